"""Licence verification for anyone: is this token (from the QR code, the PDF or the e-licence record) a licence
the platform issued, unaltered and not revoked? Signature checks are g60.signing's; revocation and the licence
record are ours."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from g60.onenetwork.licensing import PAYLOAD_TYPE
from g60.onenetwork.models import Licence, plain_decimal

# Reasons: the signing module's ("valid", "malformed", "unknown_key", "bad_signature", "unsupported_algorithm")
# plus "revoked", "unknown_licence" (well signed, but no such licence here) and "mismatch" (the record differs).


@dataclass(frozen=True)
class LicenceVerification:
    valid: bool
    reason: str
    facts: dict[str, Any] | None = None
    kid: str | None = None
    algorithm: str | None = None


def token_from_input(text: str) -> str:
    """Accept the bare token, or an e-licence record (JSON with a "token" field)."""
    text = (text or "").strip()
    if text.startswith("{"):
        try:
            record = json.loads(text)
        except (ValueError, RecursionError):  # deep nesting ([[[…) exhausts the parser's stack: not a record
            return text
        if isinstance(record, dict) and isinstance(record.get("token"), str):
            return record["token"].strip()
    return text


# Verification is a public, hot path (target 2,000/s per process): the licence and the public facts are read with
# one precompiled join instead of the ORM, whose query compilation would cost more than the signature check. On
# PostgreSQL the statement is prepared by the driver after a few executions (g60.dbconfig.POSTGRES_OPTIONS):
# planning this join costs the server four times what running it does.
_COLUMNS = (
    "l.uscc",
    "l.number",
    "l.authority_id",
    "l.issued_at",
    "l.revoked_at",
    "e.name",
    "e.name_en",
    "e.type",
    "e.legal_representative",
    "e.registered_capital_wan",
    "e.established_on",
    "e.address",
    "c.authority_zh",
    "c.authority_en",
)
_NAMES = tuple(column.split(".")[1] for column in _COLUMNS)


@cache
def _lookup_sql() -> str:
    from g60.regions.models import City
    from g60.registry.models import Enterprise

    # Only table names from the models' metadata are interpolated; the values are query parameters.
    return (
        f"SELECT {', '.join(_COLUMNS)} FROM {Licence._meta.db_table} l "  # noqa: S608
        f"JOIN {Enterprise._meta.db_table} e ON e.id = l.enterprise_id "
        f"JOIN {City._meta.db_table} c ON c.code = l.authority_id "
        "WHERE l.uscc = %s AND l.number = %s"
    )


def _aware(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)


def _licence_facts(uscc: str, number: str) -> tuple[str, dict[str, Any]] | None:
    """(authority code, public facts) of the licence, or None."""
    with connection.cursor() as cursor:
        cursor.execute(_lookup_sql(), [uscc, number])
        row = cursor.fetchone()
    if row is None:
        return None
    values = dict(zip(_NAMES, row, strict=True))
    issued, revoked = _aware(values["issued_at"]), _aware(values["revoked_at"])
    established = values["established_on"]
    facts = {
        "uscc": values["uscc"],
        "licence_number": values["number"],
        "name": values["name"],
        "name_en": values["name_en"],
        "type": values["type"],
        "legal_representative": values["legal_representative"],
        "registered_capital_wan": plain_decimal(Decimal(str(values["registered_capital_wan"]))),
        "established_on": established if isinstance(established, str) else established.isoformat(),
        "address": values["address"],
        "authority_code": values["authority_id"],
        "authority_zh": values["authority_zh"],
        "authority_en": values["authority_en"],
        "issued_on": timezone.localdate(issued).isoformat() if issued else None,
        "revoked_on": timezone.localdate(revoked).isoformat() if revoked else None,
    }
    return str(values["authority_id"]), facts


def licence_verify(*, token: str) -> LicenceVerification:
    """Never raises on bad input: every failure is an answer with its reason."""
    from g60.signing.verify import token_verify

    token = token_from_input(token)
    result = token_verify(token)
    if not result.valid:
        return LicenceVerification(False, result.reason, kid=result.kid, algorithm=result.algorithm)
    payload = result.payload or {}
    if payload.get("typ") != PAYLOAD_TYPE:
        return LicenceVerification(False, "unknown_licence", kid=result.kid, algorithm=result.algorithm)
    found = _licence_facts(str(payload.get("uscc", "")), str(payload.get("no", "")))
    if found is None:
        return LicenceVerification(False, "unknown_licence", kid=result.kid, algorithm=result.algorithm)
    authority, facts = found
    if result.city_code and result.city_code != authority:
        # Signed by another city's key than the registering authority's.
        return LicenceVerification(False, "mismatch", kid=result.kid, algorithm=result.algorithm)
    if facts["revoked_on"] is not None:
        return LicenceVerification(False, "revoked", facts, result.kid, result.algorithm)
    return LicenceVerification(True, "valid", facts, result.kid, result.algorithm)


def verify_message(reason: str) -> str:
    messages = {
        "valid": _("The licence is valid."),
        "malformed": _("This is not a licence token, or it was altered."),
        "bad_signature": _("The signature does not match: the licence data was altered."),
        "unknown_key": _("The licence was signed with a key the platform does not know."),
        "unsupported_algorithm": _("The licence names a signature algorithm the platform does not support."),
        "revoked": _("The licence was revoked."),
        "unknown_licence": _("The signature is sound but the platform issued no such licence."),
        "mismatch": _("The licence was signed by another authority than the one that registered it."),
    }
    return messages.get(reason, reason)
