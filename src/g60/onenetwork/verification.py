"""Licence verification for anyone: is this token (from the QR code, the PDF or the e-licence record) a licence
the platform issued, unaltered and not revoked? Signature checks are g60.signing's; revocation and the licence
record are ours."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

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
        except ValueError:
            return text
        if isinstance(record, dict) and isinstance(record.get("token"), str):
            return record["token"].strip()
    return text


def public_facts(licence: Licence) -> dict[str, Any]:
    enterprise = licence.enterprise
    authority = licence.authority
    return {
        "uscc": licence.uscc,
        "licence_number": licence.number,
        "name": enterprise.name,
        "name_en": enterprise.name_en,
        "type": enterprise.type,
        "legal_representative": enterprise.legal_representative,
        "registered_capital_wan": plain_decimal(enterprise.registered_capital_wan),
        "established_on": enterprise.established_on.isoformat(),
        "address": enterprise.address,
        "authority_code": authority.code,
        "authority_zh": authority.authority_zh,
        "authority_en": authority.authority_en,
        "issued_on": timezone.localdate(licence.issued_at).isoformat(),
        "revoked_on": timezone.localdate(licence.revoked_at).isoformat() if licence.revoked_at else None,
    }


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
    licence = (
        Licence.objects.select_related("enterprise", "authority")
        .filter(uscc=str(payload.get("uscc", "")), number=str(payload.get("no", "")))
        .first()
    )
    if licence is None:
        return LicenceVerification(False, "unknown_licence", kid=result.kid, algorithm=result.algorithm)
    if result.city_code and result.city_code != licence.authority_id:
        # Signed by another city's key than the registering authority's.
        return LicenceVerification(False, "mismatch", kid=result.kid, algorithm=result.algorithm)
    facts = public_facts(licence)
    if licence.revoked_at is not None:
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
