"""Licence issue on approval, revocation and hand-over at the window.

Issue allocates the Unified Social Credit Code (GB 32100): "9" (market regulation) + "1" (enterprise) + the
registering authority's division code (the domicile city) + an organisation code "MA" + six serial characters
from the authority's row-locked sequence, with its GB 11714 check, + the mod-31 check character. The sequence
row is locked with `select_for_update` (PostgreSQL; SQLite's IMMEDIATE transactions serialise writers), and the
unique constraint on Enterprise.uscc is the last guard. The enterprise is registered, the e-licence payload is
signed with the registering city's key, all inside the approval's transaction; the PDF is rendered and written
after commit (licence_pdf_store), so a rolled-back approval leaves no file behind and the locks are held only
for the signature, not for the drawing.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from g60.accounts.models import User
from g60.accounts.permissions import Action, require
from g60.audit.services import audit_record
from g60.core.rows import row_insert, row_update
from g60.onenetwork.constants import ApplicationState
from g60.onenetwork.models import Application, Licence, UsccSequence
from g60.onenetwork.notifications import notify_applicant
from g60.onenetwork.services import STEP_LABELS, event_record, reason_clean, transition_apply
from g60.onenetwork.transitions import TransitionNotAllowed
from g60.regions.models import City
from g60.registry.constants import EnterpriseSource, EnterpriseStatus, EnterpriseType
from g60.registry.identifiers import USCC_CHARSET, uscc_build
from g60.registry.models import Enterprise
from g60.registry.services import enterprise_register, enterprise_update

logger = logging.getLogger(__name__)

ORG_CODE_PREFIX = "MA"  # new entities get system-assigned organisation codes starting MA (standards §1.5)
SERIAL_LENGTH = 6
PAYLOAD_TYPE = "g60.e-licence"

# The legal-form labels printed on the licence, in both languages.
TYPE_LABELS = {
    EnterpriseType.COMPANY: ("有限责任公司", "Limited liability company"),
    EnterpriseType.JOINT_STOCK_COMPANY: ("股份有限公司", "Joint-stock limited company"),
    EnterpriseType.BRANCH: ("分公司", "Branch"),
    EnterpriseType.PARTNERSHIP: ("合伙企业", "Partnership"),
    EnterpriseType.INDIVIDUAL_BUSINESS: ("个体工商户", "Individual business"),
    EnterpriseType.COOPERATIVE: ("农民专业合作社", "Farmers' specialised cooperative"),
}


def serial_encode(value: int) -> str:
    """`value` written in the USCC character set, six characters (31^6 ≈ 887 million codes per authority)."""
    if not 0 <= value < len(USCC_CHARSET) ** SERIAL_LENGTH:
        raise ValueError("serial out of range")
    chars = []
    for _i in range(SERIAL_LENGTH):
        value, digit = divmod(value, len(USCC_CHARSET))
        chars.append(USCC_CHARSET[digit])
    return "".join(reversed(chars))


def uscc_allocate(*, authority: City) -> tuple[str, int]:
    """The next free USCC of `authority` and its serial. Call inside the issuing transaction: the sequence row
    stays locked until it commits, so concurrent approvals queue here instead of drawing the same serial."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("uscc_allocate must run inside the issuing transaction")
    while True:
        serial = _serial_next(connection, authority)
        uscc = uscc_build(
            authority="9", kind="1", division=authority.code, org_body=ORG_CODE_PREFIX + serial_encode(serial)
        )
        # A code may already be in the register (imported data); skip it rather than fail the approval.
        if not Enterprise.objects.filter(uscc=uscc).exists():
            return uscc, serial


def _serial_next(connection: Any, authority: City) -> int:
    """Draw the authority's next serial: one UPDATE … RETURNING increments the row and locks it until the
    transaction ends (PostgreSQL row lock; SQLite's IMMEDIATE transaction holds the write lock already)."""
    table = UsccSequence._meta.db_table
    with connection.cursor() as cursor:
        # Only the table name from the model's metadata is interpolated; the code is a parameter.
        cursor.execute(
            f"UPDATE {table} SET next_value = next_value + 1 WHERE authority_id = %s RETURNING next_value - 1",  # noqa: S608
            [authority.code],
        )
        row = cursor.fetchone()
    if row is not None:
        return int(row[0])
    UsccSequence.objects.get_or_create(authority=authority)  # the authority's first code
    return _serial_next(connection, authority)


def licence_payload(licence: Licence) -> dict[str, Any]:
    """What the signed e-licence carries: the public facts a verifier needs, nothing personal and nothing
    another field already says (every byte enlarges the QR code). The registering authority is the division
    code inside the USCC (characters 3-8) and the city of the signing key; tokens before G60L2 also carried it
    as "authority", with a payload version "v": 1."""
    return {
        "typ": PAYLOAD_TYPE,
        "uscc": licence.uscc,
        "no": licence.number,
        "name": licence.enterprise.name,
        "issued": licence.issued_at.date().isoformat(),
    }


def licence_facts(licence: Licence) -> Any:
    from g60.signing.licence_pdf import LicenceFacts

    enterprise = licence.enterprise
    type_zh, type_en = TYPE_LABELS.get(enterprise.type, (enterprise.type, enterprise.type))  # type: ignore[call-overload]
    authority = licence.authority
    return LicenceFacts(
        uscc=licence.uscc,
        name=enterprise.name,
        name_en=enterprise.name_en,
        type_zh=type_zh,
        type_en=type_en,
        legal_representative=enterprise.legal_representative,
        registered_capital_wan=enterprise.registered_capital_wan,
        established_on=enterprise.established_on,
        domicile=enterprise.address,
        business_scope=enterprise.business_scope,
        authority_zh=authority.authority_zh,
        authority_en=authority.authority_en,
        issued_on=timezone.localdate(licence.issued_at),
        licence_number=licence.number,
    )


def _media_path(name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / name


def pdf_write(name: str, content: bytes) -> None:
    """Write the PDF atomically (temporary file + rename), so a reader never sees half a licence."""
    path = _media_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".licence-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.chmod(tmp, 0o644)  # as Django's storage writes files (mkstemp makes them 0600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def licence_pdf_render_for(licence: Licence) -> bytes:
    from g60.signing.licence_pdf import licence_pdf_render

    return licence_pdf_render(facts=licence_facts(licence), token=licence.token)


@transaction.atomic
def licence_issue(*, acting_user: User, application: Application) -> Licence:
    """Issue the licence of an approved application: allocate the USCC, register the enterprise, sign the
    e-licence; the PDF is rendered and written after commit."""
    return licence_issue_locked(acting_user=acting_user, application=application, locked=False)


def licence_issue_locked(*, acting_user: User, application: Application, locked: bool = True) -> Licence:
    """licence_issue inside a transaction that has locked the application already (the approval's)."""
    from g60.signing.services import document_sign

    application, changed = transition_apply(
        acting_user=acting_user, application=application, name="issue_licence", locked=locked
    )
    if not changed:
        return Licence.objects.get(application=application)
    authority = application.domicile_city
    assert authority is not None  # noqa: S101 - a submitted application has its domicile
    uscc, serial = uscc_allocate(authority=authority)
    now = timezone.now()
    enterprise = enterprise_register(
        acting_user=acting_user,
        uscc=uscc,
        name=application.name,
        name_en=application.name_en,
        type=application.form,
        city=authority,
        established_on=timezone.localdate(now),
        registered_capital_wan=application.registered_capital_wan,  # type: ignore[arg-type]
        legal_representative=application.legal_representative,
        legal_representative_id_number=application.legal_representative_id_number,
        industry_code=application.industry_code,
        address=application.address,
        business_scope=application.business_scope,
        source=EnterpriseSource.ONENETWORK,
        uscc_checked=True,  # uscc_allocate just found it free, under the sequence's lock
    )
    licence = Licence(
        application=application,
        enterprise=enterprise,
        uscc=uscc,
        number=f"{authority.code}{now.year}{serial:07d}",
        authority=authority,
        issued_at=now,
        created_by=acting_user,
        modified_by=acting_user,
    )
    licence.token = document_sign(city=authority, payload=licence_payload(licence))
    licence.pdf.name = f"onenetwork/licences/{uscc}.pdf"
    # Every value is generated here and every related row was just read or written: uniqueness (USCC, number,
    # one licence per application) and the foreign keys are the database's constraints to enforce, not a dozen
    # extra SELECTs per approval.
    licence.full_clean(
        exclude=["application", "enterprise", "authority", "created_by", "modified_by"],
        validate_unique=False,
        validate_constraints=False,
    )
    row_insert(licence)
    audit_record(
        actor=acting_user,
        action="licence.issue",
        obj=licence,
        after={"uscc": uscc, "number": licence.number, "token": licence.token},
    )
    # The PDF (about 50 ms of drawing) is rendered and written once the approval is committed: the sequence
    # row, the audit head and on SQLite the whole database stay locked only for the signature, and a
    # rolled-back approval leaves no file. If the process dies in between, the first download renders it
    # (licence_pdf_bytes) from the signed token, which is the licence's authoritative form.
    transaction.on_commit(lambda: licence_pdf_store(licence), robust=True)
    return licence


def licence_pdf_store(licence: Licence) -> None:
    """Render the licence's PDF, write it atomically under MEDIA_ROOT and record its SHA-256. `licence` is the
    committed licence with its enterprise and authority (the instance the issue just saved: nothing to re-read)."""
    pdf = licence_pdf_render_for(licence)
    pdf_write(licence.pdf.name or f"onenetwork/licences/{licence.uscc}.pdf", pdf)
    licence.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    row_update(licence, ["pdf_sha256"])


def licence_pdf_bytes(licence: Licence) -> bytes:
    """The stored PDF; re-rendered from the signed token if the file was lost (e.g. a crash between commit and
    the write), and stored again."""
    path = _media_path(licence.pdf.name) if licence.pdf.name else None
    if path is not None and path.exists():
        return path.read_bytes()
    pdf = licence_pdf_render_for(licence)
    if licence.pdf.name:
        pdf_write(licence.pdf.name, pdf)
        if hashlib.sha256(pdf).hexdigest() != licence.pdf_sha256:
            Licence.objects.filter(pk=licence.pk).update(pdf_sha256=hashlib.sha256(pdf).hexdigest())
    return pdf


def _lock_licence(licence: Licence) -> Licence:
    return Licence.objects.select_for_update().select_related("application", "enterprise").get(pk=licence.pk)


@transaction.atomic
def licence_revoke(*, acting_user: User, licence: Licence, reason: str) -> Licence:
    """An examiner of the registering city revokes the licence; verification then answers "revoked"."""
    from django.core.exceptions import ValidationError

    licence = _lock_licence(licence)
    require(acting_user, Action.LICENCE_REVOKE, licence.authority_id)
    if licence.revoked_at is not None:
        return licence
    reason = reason_clean(reason)
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for revoking the licence.")]})
    licence.revoked_at = timezone.now()
    licence.revoked_by = acting_user
    licence.revoke_reason = reason
    licence.modified_by = acting_user
    licence.save(update_fields=["revoked_at", "revoked_by", "revoke_reason", "modified_by", "modified_on"])
    # Revoking the business licence (吊销营业执照) changes the enterprise's status in the register too.
    enterprise_update(acting_user=acting_user, enterprise=licence.enterprise, status=EnterpriseStatus.REVOKED)
    event_record(application=licence.application, actor=acting_user, step="licence_revoke", reason=reason)
    audit_record(
        actor=acting_user,
        action="licence.revoke",
        obj=licence,
        before={"revoked_at": None},
        after={"revoked_at": licence.revoked_at, "reason": reason},
    )
    notify_applicant(licence.application, step=STEP_LABELS["licence_revoke"], reason=reason)
    return licence


@transaction.atomic
def licence_hand_over(*, acting_user: User, licence: Licence) -> Licence:
    """The window city's clerk records that the printed licence was handed to the applicant."""
    licence = _lock_licence(licence)
    require(acting_user, Action.LICENCE_HANDOVER, licence.application.window_city_id)
    if licence.handed_over_at is not None:
        return licence
    if licence.revoked_at is not None:
        raise TransitionNotAllowed(
            code="licence_revoked",
            transition="licence_hand_over",
            state=ApplicationState.LICENCE_ISSUED,
            message=_("A revoked licence cannot be handed over."),
        )
    licence.handed_over_at = timezone.now()
    licence.handed_over_by = acting_user
    licence.modified_by = acting_user
    licence.save(update_fields=["handed_over_at", "handed_over_by", "modified_by", "modified_on"])
    event_record(application=licence.application, actor=acting_user, step="licence_hand_over")
    audit_record(
        actor=acting_user, action="licence.hand_over", obj=licence, after={"handed_over_at": licence.handed_over_at}
    )
    notify_applicant(licence.application, step=STEP_LABELS["licence_hand_over"])
    return licence


__all__ = [
    "licence_hand_over",
    "licence_issue",
    "licence_issue_locked",
    "licence_pdf_bytes",
    "licence_revoke",
    "uscc_allocate",
]
