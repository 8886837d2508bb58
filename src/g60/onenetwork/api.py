"""The one-network API: applications (`/applications`) and licences (`/licences`). Handlers are thin: they
parse, call a selector or a service, and shape the answer. Errors: bad input 422 naming the field, not allowed
403, not visible 404, a step the state does not allow 409 (root.py)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import StringConstraints

from g60.accounts.models import User
from g60.api.auth import token_or_session
from g60.api.schemas import Storable, Text
from g60.onenetwork import licensing, selectors, services
from g60.onenetwork.constants import (
    ADDRESS_MAX_LENGTH,
    BUSINESS_SCOPE_MAX_LENGTH,
    DOCUMENT_MAX_BYTES,
    LEGAL_REPRESENTATIVE_MAX_LENGTH,
    NAME_EN_MAX_LENGTH,
    NAME_MAX_LENGTH,
    REASON_MAX_LENGTH,
    SHAREHOLDER_NAME_MAX_LENGTH,
)
from g60.onenetwork.idempotency import HEADER, idempotent_call
from g60.onenetwork.models import Application, plain_decimal
from g60.onenetwork.names import name_check
from g60.onenetwork.verification import licence_verify, verify_message
from g60.registry.identifiers import mask_resident_id

applications_router = Router(tags=["applications"])
licences_router = Router(tags=["licences"])

# Free text with its limit (constants.py): longer is 422 "at most N characters" naming the field, before any service.
NameText = Annotated[str, StringConstraints(max_length=NAME_MAX_LENGTH), Storable]
NameEnText = Annotated[str, StringConstraints(max_length=NAME_EN_MAX_LENGTH), Storable]
LegalRepresentativeText = Annotated[str, StringConstraints(max_length=LEGAL_REPRESENTATIVE_MAX_LENGTH), Storable]
AddressText = Annotated[str, StringConstraints(max_length=ADDRESS_MAX_LENGTH), Storable]
BusinessScopeText = Annotated[str, StringConstraints(max_length=BUSINESS_SCOPE_MAX_LENGTH), Storable]
ShareholderNameText = Annotated[str, StringConstraints(max_length=SHAREHOLDER_NAME_MAX_LENGTH), Storable]
ReasonText = Annotated[str, StringConstraints(max_length=REASON_MAX_LENGTH), Storable]


class ShareholderIn(Schema):
    name: ShareholderNameText
    kind: Text
    id_number: Text
    share_percent: Decimal


class ApplicationWriteIn(Schema):
    """Every field is optional on a draft; submit checks that the application is complete."""

    name: NameText | None = None
    name_en: NameEnText | None = None
    domicile_city: Text | None = None
    window_city: Text | None = None
    form: Text | None = None
    registered_capital_wan: Decimal | None = None
    legal_representative: LegalRepresentativeText | None = None
    legal_representative_id_number: Text | None = None
    address: AddressText | None = None
    industry_code: Text | None = None
    business_scope: BusinessScopeText | None = None
    shareholders: list[ShareholderIn] | None = None


class ShareholderOut(Schema):
    name: str
    kind: str
    id_number: str
    share_percent: str


class DocumentOut(Schema):
    kind: str
    name: str
    size: int
    sha256: str


class EventOut(Schema):
    step: str
    from_state: str
    to_state: str
    actor: str
    occurred_at: dt.datetime
    reason: str


class LicenceOut(Schema):
    id: uuid.UUID
    uscc: str
    number: str
    issued_at: dt.datetime
    token: str
    pdf_sha256: str
    revoked_at: dt.datetime | None
    revoke_reason: str
    handed_over_at: dt.datetime | None


class ApplicationOut(Schema):
    id: uuid.UUID
    reference: str
    state: str
    state_label: str
    name: str
    name_parts: dict[str, str]
    name_en: str
    domicile_city: str | None
    window_city: str | None
    form: str
    registered_capital_wan: str | None
    legal_representative: str
    legal_representative_id_number: str
    address: str
    industry_code: str
    business_scope: str
    acceptance_due: dt.date | None
    examination_due: dt.date | None
    overdue: bool
    last_reason: str
    shareholders: list[ShareholderOut]
    documents: list[DocumentOut]
    events: list[EventOut]
    licence: LicenceOut | None


class ReasonIn(Schema):
    reason: ReasonText = ""


class NameCheckIn(Schema):
    # At most the column's length: the comparison with registered names takes every substring of the trade name,
    # and a name of 100,000 characters kept a worker busy for minutes.
    name: NameText
    form: Text = "company"
    domicile_city: Text | None = None
    industry_code: Text = ""


class NameIssueOut(Schema):
    code: str
    severity: str
    message: str


class NameCheckOut(Schema):
    ok: bool
    name: str
    parts: dict[str, str] | None
    issues: list[NameIssueOut]


class LicenceVerifyIn(Schema):
    token: str


class LicenceVerifyOut(Schema):
    valid: bool
    reason: str
    message: str
    kid: str | None
    algorithm: str | None
    licence: dict[str, Any] | None


class ErrorOut(Schema):
    detail: str


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


def application_out(application: Application, *, user: User) -> dict[str, Any]:
    """The application as the API shows it (ID numbers masked except to the applicant)."""
    own = application.applicant_id == user.pk
    id_number = application.legal_representative_id_number
    licence = getattr(application, "licence", None) if application.state == "licence_issued" else None
    data = {
        "id": application.public_id,
        "reference": application.reference,
        "state": application.state,
        "state_label": str(application.get_state_display()),
        "name": application.name,
        "name_parts": {
            "division": application.name_division,
            "trade_name": application.name_trade,
            "industry": application.name_industry,
            "form": application.name_form,
        },
        "name_en": application.name_en,
        "domicile_city": application.domicile_city_id,
        "window_city": application.window_city_id,
        "form": application.form,
        "registered_capital_wan": (
            plain_decimal(application.registered_capital_wan) if application.registered_capital_wan else None
        ),
        "legal_representative": application.legal_representative,
        "legal_representative_id_number": id_number if own or not id_number else mask_resident_id(id_number),
        "address": application.address,
        "industry_code": application.industry_code,
        "business_scope": application.business_scope,
        "acceptance_due": application.acceptance_due,
        "examination_due": application.examination_due,
        "overdue": selectors.is_overdue(application),
        "last_reason": application.last_reason,
        "shareholders": [
            {
                "name": s.name,
                "kind": s.kind,
                "id_number": s.id_number if own or s.kind != "person" else mask_resident_id(s.id_number),
                "share_percent": s.share_display,
            }
            for s in application.shareholders.all()
        ],
        "documents": [
            {"kind": d.kind, "name": d.original_name, "size": d.size, "sha256": d.sha256}
            for d in application.documents.all()
        ],
        "events": [
            {
                "step": e.step,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "actor": e.actor_name,
                "occurred_at": e.occurred_at,
                "reason": e.reason,
            }
            for e in application.events.all()
        ],
        "licence": (
            {
                "id": licence.public_id,
                "uscc": licence.uscc,
                "number": licence.number,
                "issued_at": licence.issued_at,
                "token": licence.token,
                "pdf_sha256": licence.pdf_sha256,
                "revoked_at": licence.revoked_at,
                "revoke_reason": licence.revoke_reason,
                "handed_over_at": licence.handed_over_at,
            }
            if licence is not None
            else None
        ),
    }
    return ApplicationOut.model_validate(data).model_dump(mode="json")


def _values(payload: ApplicationWriteIn) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
    data = payload.model_dump(exclude_unset=True)
    shareholders = data.pop("shareholders", None)
    return data, shareholders


# --- Applications ------------------------------------------------------------------------------------------


@applications_router.post(
    "",
    response={201: ApplicationOut, 422: Any},
    auth=token_or_session,
    summary="Create a draft application (send an Idempotency-Key header to make retries safe)",
)
def application_create(request: HttpRequest, payload: ApplicationWriteIn) -> Status[Any]:
    user = _user(request)
    values, shareholders = _values(payload)

    def run() -> tuple[int, Any]:
        application = services.application_create(acting_user=user, values=values, shareholders=shareholders)
        return 201, application_out(application, user=user)

    status, body = idempotent_call(
        user=user,
        key=request.headers.get(HEADER),
        operation="application.create",
        payload=payload.model_dump(mode="json", exclude_unset=True),
        run=run,
    )
    return Status(status, body)


@applications_router.get(
    "", response=list[ApplicationOut], auth=token_or_session, summary="Applications the caller may see"
)
def application_list(
    request: HttpRequest, queue: Literal["", "mine", "acceptance", "examination"] = ""
) -> list[dict[str, Any]]:
    """`queue`: "mine", "acceptance" (clerk: window city), "examination" (examiner: domicile city) or empty
    for everything the caller may see."""
    user = _user(request)
    queries = {
        "mine": selectors.application_list_mine,
        "acceptance": selectors.acceptance_queue,
        "examination": selectors.examination_queue,
    }
    queryset = queries.get(queue, selectors.application_list_visible)(user=user)
    rows = queryset.prefetch_related("shareholders", "documents", "events").select_related("licence")[:200]
    return [application_out(a, user=user) for a in rows]


@applications_router.post(
    "/name-check", response=NameCheckOut, auth=token_or_session, summary="Check a proposed company name"
)
def application_name_check(request: HttpRequest, payload: NameCheckIn) -> dict[str, Any]:
    # The city, legal form and industry class by a draft's rules (422 naming the field): an unknown city or form
    # was answered 200 with "use ." (no divisions or forms allowed), and an unknown class was not compared at all.
    given = services.draft_values_clean(
        {"domicile_city": payload.domicile_city, "form": payload.form, "industry_code": payload.industry_code}
    )
    check = name_check(
        name=payload.name,
        form_type=given["form"],
        domicile_code=given["domicile_city"].code if given["domicile_city"] else None,
        industry_code=given["industry_code"],
    )
    parts = check.parts
    return {
        "ok": check.ok,
        "name": check.name,
        "parts": (
            {"division": parts.division, "trade_name": parts.trade_name, "industry": parts.industry, "form": parts.form}
            if parts
            else None
        ),
        "issues": [{"code": i.code, "severity": i.severity, "message": i.message} for i in check.issues],
    }


@applications_router.get("/{application_id}", response=ApplicationOut, auth=token_or_session)
def application_detail(request: HttpRequest, application_id: uuid.UUID) -> dict[str, Any]:
    user = _user(request)
    return application_out(selectors.application_get(user=user, public_id=application_id), user=user)


@applications_router.patch(
    "/{application_id}", response=ApplicationOut, auth=token_or_session, summary="Change a draft"
)
def application_update(request: HttpRequest, application_id: uuid.UUID, payload: ApplicationWriteIn) -> dict[str, Any]:
    user = _user(request)
    application = selectors.application_get(user=user, public_id=application_id)
    values, shareholders = _values(payload)
    application = services.application_update(
        acting_user=user, application=application, values=values, shareholders=shareholders
    )
    return application_out(application, user=user)


@applications_router.post(
    "/{application_id}/documents",
    response={201: DocumentOut},
    auth=token_or_session,
    summary="Upload a PDF document (at most 10 MB)",
)
def application_document_add(
    request: HttpRequest, application_id: uuid.UUID, file: File[UploadedFile], kind: Form[str] = "other"
) -> Status[dict[str, Any]]:
    user = _user(request)
    application = selectors.application_get(user=user, public_id=application_id)
    content = file.read(DOCUMENT_MAX_BYTES + 1)
    document = services.document_add(
        acting_user=user,
        application=application,
        kind=kind,
        filename=file.name or "document.pdf",
        content=content,
        content_type=file.content_type or "",
    )
    return Status(
        201,
        {"kind": document.kind, "name": document.original_name, "size": document.size, "sha256": document.sha256},
    )


@applications_router.post(
    "/{application_id}/submit",
    response=ApplicationOut,
    auth=token_or_session,
    summary="Submit to the window city (send an Idempotency-Key header to make retries safe)",
)
def application_submit(request: HttpRequest, application_id: uuid.UUID) -> Status[Any]:
    user = _user(request)
    application = selectors.application_get(user=user, public_id=application_id)

    def run() -> tuple[int, Any]:
        submitted = services.application_submit(acting_user=user, application=application)
        return 200, application_out(submitted, user=user)

    status, body = idempotent_call(
        user=user,
        key=request.headers.get(HEADER),
        operation="application.submit",
        payload={"application": str(application_id)},
        run=run,
    )
    return Status(status, body)


def _transition(request: HttpRequest, application_id: uuid.UUID, step: str, reason: str = "") -> dict[str, Any]:
    user = _user(request)
    application = selectors.application_get(user=user, public_id=application_id)
    functions: dict[str, Any] = {
        "accept": services.application_accept,
        "start_examination": services.application_start_examination,
        "approve": services.application_approve,
    }
    with_reason: dict[str, Any] = {
        "return": services.application_return,
        "reject": services.application_reject,
        "withdraw": services.application_withdraw,
    }
    if step in with_reason:
        application = with_reason[step](acting_user=user, application=application, reason=reason)
    else:
        application = functions[step](acting_user=user, application=application)
    application = selectors.application_get(user=user, public_id=application_id)
    return application_out(application, user=user)


@applications_router.post("/{application_id}/accept", response=ApplicationOut, auth=token_or_session)
def application_accept(request: HttpRequest, application_id: uuid.UUID) -> dict[str, Any]:
    """Window city's clerk: accept the papers."""
    return _transition(request, application_id, "accept")


@applications_router.post("/{application_id}/return", response=ApplicationOut, auth=token_or_session)
def application_return(request: HttpRequest, application_id: uuid.UUID, payload: ReasonIn) -> dict[str, Any]:
    """Window city's clerk: return for correction (reason required)."""
    return _transition(request, application_id, "return", payload.reason)


@applications_router.post("/{application_id}/start-examination", response=ApplicationOut, auth=token_or_session)
def application_start_examination(request: HttpRequest, application_id: uuid.UUID) -> dict[str, Any]:
    """Domicile city's examiner: take the application up."""
    return _transition(request, application_id, "start_examination")


@applications_router.post("/{application_id}/approve", response=ApplicationOut, auth=token_or_session)
def application_approve(request: HttpRequest, application_id: uuid.UUID) -> dict[str, Any]:
    """Domicile city's examiner: approve; the licence is issued at once."""
    return _transition(request, application_id, "approve")


@applications_router.post("/{application_id}/reject", response=ApplicationOut, auth=token_or_session)
def application_reject(request: HttpRequest, application_id: uuid.UUID, payload: ReasonIn) -> dict[str, Any]:
    """Domicile city's examiner: reject (reason required)."""
    return _transition(request, application_id, "reject", payload.reason)


@applications_router.post("/{application_id}/withdraw", response=ApplicationOut, auth=token_or_session)
def application_withdraw(request: HttpRequest, application_id: uuid.UUID, payload: ReasonIn) -> dict[str, Any]:
    """Applicant: withdraw before a decision."""
    return _transition(request, application_id, "withdraw", payload.reason)


# --- Licences ----------------------------------------------------------------------------------------------


@licences_router.post(
    "/verify", response=LicenceVerifyOut, auth=None, summary="Verify a licence token (public, no login)"
)
def licence_verify_api(request: HttpRequest, payload: LicenceVerifyIn) -> dict[str, Any]:
    result = licence_verify(token=payload.token)
    return {
        "valid": result.valid,
        "reason": result.reason,
        "message": verify_message(result.reason),
        "kid": result.kid,
        "algorithm": result.algorithm,
        "licence": result.facts,
    }


@licences_router.get(
    "/{licence_id}/pdf", auth=token_or_session, summary="The PDF licence (applicant and officials concerned)"
)
def licence_pdf(request: HttpRequest, licence_id: uuid.UUID) -> HttpResponse:
    licence = selectors.licence_get(user=_user(request), public_id=licence_id)
    response = HttpResponse(licensing.licence_pdf_bytes(licence), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="licence-{licence.uscc}.pdf"'
    return response


@licences_router.post("/{licence_id}/revoke", response=LicenceOut, auth=token_or_session)
def licence_revoke(request: HttpRequest, licence_id: uuid.UUID, payload: ReasonIn) -> Any:
    """Examiner of the registering city: revoke (reason required)."""
    user = _user(request)
    licence = selectors.licence_get(user=user, public_id=licence_id)
    licence = licensing.licence_revoke(acting_user=user, licence=licence, reason=payload.reason)
    return _licence_out(licence)


@licences_router.post("/{licence_id}/hand-over", response=LicenceOut, auth=token_or_session)
def licence_hand_over(request: HttpRequest, licence_id: uuid.UUID) -> Any:
    """Clerk of the window city: record the hand-over."""
    user = _user(request)
    licence = selectors.licence_get(user=user, public_id=licence_id)
    licence = licensing.licence_hand_over(acting_user=user, licence=licence)
    return _licence_out(licence)


def _licence_out(licence: Any) -> dict[str, Any]:
    return {
        "id": licence.public_id,
        "uscc": licence.uscc,
        "number": licence.number,
        "issued_at": licence.issued_at,
        "token": licence.token,
        "pdf_sha256": licence.pdf_sha256,
        "revoked_at": licence.revoked_at,
        "revoke_reason": licence.revoke_reason,
        "handed_over_at": licence.handed_over_at,
    }
