"""Writes of the one network: drafting an application, declaring its name, and every state transition.

Each transition is one function: `@transaction.atomic`, the application row locked with `select_for_update`,
the permission asked of the one helper for the right city (window or domicile), the state re-checked against
the table in transitions.py, an event for the applicant's timeline and an audit event in the same transaction,
and the notification email after commit. Licence issue, revocation and hand-over are in licensing.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from g60.accounts.models import User
from g60.accounts.permissions import Action, can, require
from g60.audit.services import audit_batch, audit_record
from g60.core.rows import row_insert, row_lock, row_update
from g60.onenetwork.constants import (
    ACCEPTANCE_WORKING_DAYS,
    APPLICATION_TEXT_MAX_LENGTHS,
    DOCUMENT_MAX_BYTES,
    DOCUMENT_NAME_MAX_LENGTH,
    EXAMINATION_WORKING_DAYS,
    NAME_RESERVATION_DAYS,
    PDF_CONTENT_TYPES,
    PDF_MAGIC,
    REASON_MAX_LENGTH,
    DocumentKind,
    ShareholderKind,
)
from g60.onenetwork.models import (
    Application,
    ApplicationEvent,
    Document,
    NameReservation,
    Shareholder,
    plain_decimal,
)
from g60.onenetwork.names import name_check
from g60.onenetwork.notifications import notify_applicant
from g60.onenetwork.transitions import EDITABLE_STATES, TRANSITIONS, Party, Transition, TransitionNotAllowed
from g60.onenetwork.workdays import add_working_days
from g60.regions.models import City
from g60.regions.selectors import cities_by_code
from g60.registry.constants import EnterpriseType
from g60.registry.identifiers import resident_id_error, uscc_error
from g60.registry.industry import industry_class_error

# The fields an applicant fills in (the API's and the form's vocabulary).
DRAFT_FIELDS = (
    "name",
    "name_en",
    "domicile_city",
    "window_city",
    "form",
    "registered_capital_wan",
    "legal_representative",
    "legal_representative_id_number",
    "address",
    "industry_code",
    "business_scope",
)
REQUIRED_FOR_SUBMIT = tuple(f for f in DRAFT_FIELDS if f not in ("name_en",))
AUDITED = ("state", "name", "domicile_city_id", "window_city_id", "form", "registered_capital_wan", "industry_code")

STEP_LABELS = {
    "create": gettext_lazy("draft created"),
    "submit": gettext_lazy("submitted"),
    "accept": gettext_lazy("accepted at the window"),
    "return": gettext_lazy("returned for correction"),
    "start_examination": gettext_lazy("examination started"),
    "approve": gettext_lazy("approved"),
    "issue_licence": gettext_lazy("licence issued"),
    "reject": gettext_lazy("rejected"),
    "withdraw": gettext_lazy("withdrawn"),
    "licence_hand_over": gettext_lazy("licence handed over"),
    "licence_revoke": gettext_lazy("licence revoked"),
}


def local_today() -> dt.date:
    return timezone.localdate()


def application_snapshot(application: Application) -> dict[str, Any]:
    return {name: getattr(application, name) for name in AUDITED}


def event_record(
    *,
    application: Application,
    actor: User | None,
    step: str,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
) -> ApplicationEvent:
    """One line of the applicant's timeline (written with row_insert: every step writes one, in its transaction)."""
    event = ApplicationEvent(
        application=application,
        actor=actor,
        actor_name=str(actor) if actor is not None else "",
        step=step,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
    )
    row_insert(event)
    return event


def text_length_errors(text: str, limit: int) -> list[str]:
    """The rule `text` breaks when it is longer than `limit` characters (Django's message, in the user's
    language: "Ensure this value has at most 2000 characters (it has 2001)."), or nothing."""
    try:
        MaxLengthValidator(limit)(text)
    except ValidationError as exc:
        return list(exc.messages)
    return []


def reason_clean(reason: str) -> str:
    """The reason of a transition or a revocation, stripped; longer than REASON_MAX_LENGTH is refused, naming the
    field, before anything is written."""
    reason = reason.strip()
    if errors := text_length_errors(reason, REASON_MAX_LENGTH):
        raise ValidationError({"reason": errors})
    return reason


# --- Drafting ----------------------------------------------------------------------------------------------


def _cities(values: Mapping[str, Any]) -> dict[str, City]:
    """The cities named by code in `values` (domicile and window), from the process's copy of the nine."""
    given = [values.get(field) for field in ("domicile_city", "window_city")]
    codes = {str(code) for code in given if code not in (None, "") and not isinstance(code, City)}
    if not codes:
        return {}
    cities = cities_by_code()
    return {code: cities[code] for code in codes if code in cities}


def draft_values_clean(values: Mapping[str, Any]) -> dict[str, Any]:
    """Check each given field by its own rule; collect every error, naming the field. (The API's name check
    checks its city, legal form and industry class with it too.)"""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    cities = _cities(values)
    for field, value in values.items():
        if field not in DRAFT_FIELDS:
            continue
        if field in ("domicile_city", "window_city"):
            if value in (None, "") or isinstance(value, City):
                clean[field] = value or None
            elif str(value) in cities:
                clean[field] = cities[str(value)]
            else:
                errors[field] = [_("Choose one of the nine cities of the corridor.")]
            continue
        if field == "registered_capital_wan":
            if value in (None, ""):
                clean[field] = None
                continue
            try:
                amount = Decimal(str(value))
            except InvalidOperation:
                errors[field] = [_("Enter the registered capital as a number (10,000 yuan).")]
                continue
            if amount <= 0 or amount.as_tuple().exponent < -4:  # type: ignore[operator]
                errors[field] = [_("The registered capital is a positive amount with at most four decimals.")]
                continue
            clean[field] = amount
            continue
        text = "" if value is None else str(value).strip()
        if field == "legal_representative_id_number" and text:
            text = text.upper()
            error = resident_id_error(text)
            if error:
                errors[field] = [str(error)]
        elif field == "industry_code" and text:
            text = text.upper()
            error = industry_class_error(text)
            if error:
                errors[field] = [str(error)]
        elif field == "form" and text not in EnterpriseType.values:
            errors[field] = [_("Choose the legal form of the enterprise.")]
        elif field in APPLICATION_TEXT_MAX_LENGTHS and (
            too_long := text_length_errors(text, APPLICATION_TEXT_MAX_LENGTHS[field])
        ):
            errors[field] = too_long
        clean[field] = text
    if errors:
        raise ValidationError(errors)
    return clean


_SHAREHOLDER_NAME_VALIDATORS: list[Callable[[str], object]] = [
    *Shareholder._meta.get_field("name").validators,
    ProhibitNullCharactersValidator(),
]


def _shareholders_clean(rows: Sequence[Mapping[str, Any]]) -> list[Shareholder]:
    """Each shareholder checked by kind (resident ID or USCC), and the shares summing to exactly 100 %."""
    errors: dict[str, list[str]] = {}
    result: list[Shareholder] = []
    total = Decimal(0)
    for index, row in enumerate(rows):
        prefix = f"shareholders.{index}"
        name = str(row.get("name") or "").strip()
        kind = str(row.get("kind") or "")
        number = str(row.get("id_number") or "").strip().upper()
        if not name:
            errors[f"{prefix}.name"] = [_("Enter the shareholder's name.")]
        else:
            # The column's length and no NUL byte (PostgreSQL refuses it): either failed the insert with a 500.
            try:
                for validator in _SHAREHOLDER_NAME_VALIDATORS:
                    validator(name)
            except ValidationError as exc:
                errors[f"{prefix}.name"] = exc.messages
        if kind not in ShareholderKind.values:
            errors[f"{prefix}.kind"] = [_("Choose whether the shareholder is a natural person or a legal entity.")]
        elif kind == ShareholderKind.PERSON:
            error = resident_id_error(number)
            if error:
                errors[f"{prefix}.id_number"] = [str(error)]
        else:
            error = uscc_error(number)
            if error:
                errors[f"{prefix}.id_number"] = [str(error)]
        try:
            share = Decimal(str(row.get("share_percent")))
            if not share.is_finite() or share <= 0 or share > 100 or share.as_tuple().exponent < -4:  # type: ignore[operator]
                raise InvalidOperation
        except (InvalidOperation, TypeError, ValueError):
            errors[f"{prefix}.share_percent"] = [_("A share is a percentage above 0 and at most 100.")]
            share = Decimal(0)
        total += share
        result.append(Shareholder(position=index, name=name, kind=kind, id_number=number, share_percent=share))
    if not errors and result and total != Decimal(100):
        errors["shareholders"] = [
            _("The shares must add up to exactly 100 %% (they add up to %(total)s %%).")
            % {"total": plain_decimal(total)}
        ]
    if errors:
        raise ValidationError(errors)
    return result


def _name_check(*, application: Application) -> bool:
    """Check the application's name (refused → field error) and store its four parts; True when there is a
    name to reserve. Works before the application's first save."""
    if not application.name:
        return False
    if application.domicile_city_id is not None:
        # Declarations at one authority queue on its city row (PostgreSQL; SQLite serialises writers), so two
        # applicants declaring the same new name at the same instant cannot both pass the check.
        # FOR NO KEY UPDATE: rows referencing the city (enterprises, licences) can still be inserted meanwhile.
        City.objects.select_for_update(no_key=True).filter(pk=application.domicile_city_id).values_list(
            "pk", flat=True
        ).get()
    check = name_check(
        name=application.name,
        form_type=application.form,
        domicile_code=application.domicile_city_id,
        industry_code=application.industry_code,
        exclude_application_id=application.pk,
        similar=False,  # only refusals matter here; the applicant's name check shows the warnings
    )
    if not check.ok:
        raise ValidationError({"name": [issue.message for issue in check.errors]})
    assert check.parts is not None  # noqa: S101 - a name that passes was parsed
    parts = check.parts
    application.name = check.name
    application.name_division = parts.division
    application.name_trade = parts.trade_name
    application.name_industry = parts.industry
    application.name_form = parts.form
    return application.domicile_city_id is not None


def _name_reserve(*, application: Application, reserve: bool, new: bool = False) -> None:
    """Reserve the checked name at the domicile city's authority for two months (or drop the reservation).
    `new`: the application was just created, so it has no reservation yet to replace."""
    if not reserve:
        NameReservation.objects.filter(application=application).delete()
        return
    now = timezone.now()
    authority = application.domicile_city_id
    assert authority is not None  # noqa: S101 - only a name with a domicile is reserved
    fields = {
        "authority_id": authority,
        "name": application.name,
        "trade_name": application.name_trade,
        "industry_term": application.name_industry,
        "reserved_at": now,
        "expires_at": now + dt.timedelta(days=NAME_RESERVATION_DAYS),
        "released_at": None,
    }
    if new:
        row_insert(NameReservation(application=application, **fields))
    else:
        NameReservation.objects.update_or_create(application=application, defaults=fields)


# Foreign keys the services resolve themselves (the acting user, cities looked up by code): full_clean need not
# query them again, and the public id is a fresh UUID. The last reason is an official's, checked when given: one
# stored before the limit must not keep the applicant from correcting the application.
_FULL_CLEAN_EXCLUDE = ["applicant", "domicile_city", "window_city", "created_by", "modified_by", "last_reason"]


def _lock(application: Application, *, related: tuple[str, ...] = ("applicant",)) -> Application:
    """The application re-read with its row locked until the transaction ends (only its row: `of` keeps
    PostgreSQL from locking the joined applicant or city rows too)."""
    return row_lock(Application, application.pk, related=related)


def _require_own_editable(user: User, application: Application) -> None:
    if application.applicant_id != user.pk or not can(user, Action.APPLICATION_CREATE):
        raise PermissionDenied(Action.APPLICATION_CREATE.value)
    if application.state not in EDITABLE_STATES:
        raise TransitionNotAllowed(
            code="not_editable",
            transition="update",
            state=application.state,
            message=_("Only a draft or an application returned for correction can be changed."),
        )


def application_create(
    *,
    acting_user: User,
    values: Mapping[str, Any],
    shareholders: Sequence[Mapping[str, Any]] | None = None,
) -> Application:
    """Start a draft for `acting_user` with whatever fields are given (each checked by its rule)."""
    require(acting_user, Action.APPLICATION_CREATE)
    # The field checks need no lock: they run before the transaction, which on SQLite holds the database's one
    # write lock from its first statement.
    clean = draft_values_clean(values)
    application = Application(applicant=acting_user, created_by=acting_user, modified_by=acting_user, **clean)
    application.full_clean(exclude=_FULL_CLEAN_EXCLUDE, validate_unique=False)
    with transaction.atomic():
        return _application_create(acting_user=acting_user, application=application, shareholders=shareholders)


def _application_create(
    *, acting_user: User, application: Application, shareholders: Sequence[Mapping[str, Any]] | None
) -> Application:
    reserve = _name_check(application=application)
    row_insert(application)  # validated by full_clean before the transaction
    if reserve:
        _name_reserve(application=application, reserve=True, new=True)
    if shareholders:
        Shareholder.objects.bulk_create([_with(s, application=application) for s in _shareholders_clean(shareholders)])
    event_record(application=application, actor=acting_user, step="create", to_state=application.state)
    audit_record(
        actor=acting_user, action="application.create", obj=application, after=application_snapshot(application)
    )
    return application


def _with(shareholder: Shareholder, *, application: Application) -> Shareholder:
    shareholder.application = application
    return shareholder


@transaction.atomic
def application_update(
    *,
    acting_user: User,
    application: Application,
    values: Mapping[str, Any],
    shareholders: Sequence[Mapping[str, Any]] | None = None,
) -> Application:
    """Change a draft (or an application returned for correction). `shareholders`, when given, replaces the
    whole list, and its shares must sum to 100 %."""
    application = _lock(application)
    _require_own_editable(acting_user, application)
    before = application_snapshot(application)
    clean = draft_values_clean(values)
    for field, value in clean.items():
        setattr(application, field, value)
    application.modified_by = acting_user
    application.full_clean(exclude=_FULL_CLEAN_EXCLUDE, validate_unique=False)
    name_changed = bool({"name", "form", "domicile_city", "industry_code"} & set(clean))
    reserve = _name_check(application=application) if name_changed else False
    application.save()
    if name_changed:
        _name_reserve(application=application, reserve=reserve)
    if shareholders is not None:
        rows = _shareholders_clean(shareholders)
        application.shareholders.all().delete()
        Shareholder.objects.bulk_create([_with(s, application=application) for s in rows])
    audit_record(
        actor=acting_user,
        action="application.update",
        obj=application,
        before=before,
        after=application_snapshot(application),
    )
    return application


def _document_checks(*, content: bytes, content_type: str, filename: str) -> None:
    errors = []
    # Uploads through the pages and the API arrive within the limit (Django shortens a longer name, keeping its
    # extension); a caller of the service is told, rather than the name being cut.
    if len(filename) > DOCUMENT_NAME_MAX_LENGTH:
        errors.append(
            _("The file's name may be at most %(limit)d characters long (this one has %(length)d).")
            % {"limit": DOCUMENT_NAME_MAX_LENGTH, "length": len(filename)}
        )
    if not content:
        errors.append(_("The file is empty."))
    elif len(content) > DOCUMENT_MAX_BYTES:
        errors.append(_("A document may be at most %(mb)s MB.") % {"mb": DOCUMENT_MAX_BYTES // (1024 * 1024)})
    if content and not content.startswith(PDF_MAGIC):
        errors.append(_("Only PDF documents are accepted: the file does not start like a PDF."))
    elif content_type and content_type.split(";")[0].strip().lower() not in PDF_CONTENT_TYPES:
        errors.append(_("Only PDF documents are accepted (the file was sent as %(type)s).") % {"type": content_type})
    if errors:
        raise ValidationError({"file": errors})


def document_add(
    *,
    acting_user: User,
    application: Application,
    kind: str,
    filename: str,
    content: bytes,
    content_type: str,
) -> Document:
    """Store one PDF document with its SHA-256. The file is written under MEDIA_ROOT before the transaction that
    adds the row (the row needs the file's name; on_commit cannot help), and removed again when that transaction
    fails. Writing it outside keeps the file system's time out of the transaction: on SQLite, out of the one
    writer's turn that every other write waits for (the whole step was inside it, 2.0 of 2.0 ms a document)."""
    # Checked first on the application as given, so nobody writes a file to someone else's application, and
    # again under the row lock below, where the state may have moved on.
    _require_own_editable(acting_user, application)
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": [_("Choose the kind of document.")]})
    _document_checks(content=content, content_type=content_type, filename=filename)
    document = Document(
        kind=kind,
        original_name=filename or "document.pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=acting_user,
    )
    document.file.save(f"{document.sha256[:16]}.pdf", ContentFile(content), save=False)
    stored = document.file.name or ""
    storage = document.file.storage
    try:
        with transaction.atomic():
            application = _lock(application)
            _require_own_editable(acting_user, application)
            document.application = application
            row_insert(document)
            audit_record(
                actor=acting_user,
                action="application.document_add",
                obj=application,
                after={"document": document.original_name, "sha256": document.sha256, "kind": kind},
            )
    except BaseException:
        storage.delete(stored)
        raise
    return document


@transaction.atomic
def document_remove(*, acting_user: User, document: Document) -> None:
    application = _lock(document.application)
    _require_own_editable(acting_user, application)
    name = document.file.name or ""
    storage = document.file.storage
    audit_record(
        actor=acting_user,
        action="application.document_remove",
        obj=application,
        before={"document": document.original_name, "sha256": document.sha256},
    )
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- Transitions -------------------------------------------------------------------------------------------


def _authorise(user: User, transition: Transition, application: Application) -> None:
    """The one helper decides; the city asked is the one the step belongs to."""
    if transition.party == Party.APPLICANT:
        if application.applicant_id != user.pk:
            raise PermissionDenied(transition.action.value)
        require(user, transition.action)
    elif transition.party == Party.WINDOW:
        require(user, transition.action, application.window_city_id)
    else:
        require(user, transition.action, application.domicile_city_id)


def _submit_errors(application: Application) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for field in REQUIRED_FOR_SUBMIT:
        value = getattr(application, f"{field}_id" if field.endswith("_city") else field)
        if value in (None, ""):
            errors[field] = [_("This field is required before the application can be submitted.")]
        elif field in APPLICATION_TEXT_MAX_LENGTHS and (
            too_long := text_length_errors(value, APPLICATION_TEXT_MAX_LENGTHS[field])
        ):
            errors[field] = too_long  # text a draft kept from before the limits: corrected before it goes on
    shareholders = list(application.shareholders.all())
    if not shareholders:
        errors["shareholders"] = [_("Name at least one shareholder.")]
    elif sum((s.share_percent for s in shareholders), Decimal(0)) != Decimal(100):
        errors["shareholders"] = [_("The shares must add up to exactly 100 %.")]
    if not application.documents.exists():
        errors["documents"] = [_("Upload at least one PDF document (e.g. the articles of association).")]
    if "name" not in errors:
        check = name_check(
            name=application.name,
            form_type=application.form,
            domicile_code=application.domicile_city_id,
            industry_code=application.industry_code,
            exclude_application_id=application.pk,
            similar=False,
        )
        if not check.ok:
            errors["name"] = [issue.message for issue in check.errors]
    return errors


def transition_apply(
    *,
    acting_user: User,
    application: Application,
    name: str,
    reason: str = "",
    locked: bool = False,
    also: Mapping[str, Any] | None = None,
) -> tuple[Application, bool]:
    """Lock, authorise, re-check and apply the transition `name`. Returns the application and whether anything
    changed (a retried step whose target is already reached is a no-op). Call inside a transaction.

    `locked`: `application` was read with `_lock` in this transaction already (no second read). `also`: more
    fields the step sets, written in the same UPDATE as the state."""
    transition = TRANSITIONS[name]
    if not locked:
        application = _lock(application)
    _authorise(acting_user, transition, application)
    if application.state == transition.target:
        return application, False
    if application.state not in transition.sources:
        raise TransitionNotAllowed(code="illegal_transition", transition=name, state=application.state)
    reason = reason_clean(reason)
    if transition.reason_required and not reason:
        raise ValidationError({"reason": [_("Give the reason; the applicant will read it.")]})
    before = application_snapshot(application)
    from_state = application.state
    application.state = transition.target
    application.modified_by = acting_user
    if reason:
        application.last_reason = reason
    for field, value in (also or {}).items():
        setattr(application, field, value)
    row_update(application, ["state", "modified_by", "modified_on", "last_reason", *(also or {})])
    event_record(
        application=application,
        actor=acting_user,
        step=name,
        from_state=from_state,
        to_state=application.state,
        reason=reason,
    )
    audit_record(
        actor=acting_user,
        action=f"application.{name}",
        obj=application,
        before=before,
        after={**application_snapshot(application), "reason": reason},
    )
    notify_applicant(application, step=STEP_LABELS[name], reason=reason)
    return application, True


@transaction.atomic
def application_submit(*, acting_user: User, application: Application) -> Application:
    """Hand the application in to the window city. Complete applications only; the acceptance deadline runs
    from today in working days."""
    locked = _lock(application)
    _authorise(acting_user, TRANSITIONS["submit"], locked)
    if locked.state in TRANSITIONS["submit"].sources:
        errors = _submit_errors(locked)
        if errors:
            raise ValidationError(errors)
    application, _changed = transition_apply(
        acting_user=acting_user,
        application=locked,
        name="submit",
        locked=True,
        also={
            "submitted_at": timezone.now(),
            "acceptance_due": add_working_days(local_today(), ACCEPTANCE_WORKING_DAYS),
        },
    )
    return application


@transaction.atomic
def application_accept(*, acting_user: User, application: Application) -> Application:
    """The window city's clerk accepts the papers; the domicile city's examination deadline starts."""
    application, _changed = transition_apply(
        acting_user=acting_user,
        application=application,
        name="accept",
        also={
            "accepted_at": timezone.now(),
            "examination_due": add_working_days(local_today(), EXAMINATION_WORKING_DAYS),
        },
    )
    return application


@transaction.atomic
def application_return(*, acting_user: User, application: Application, reason: str) -> Application:
    """The window city's clerk sends the application back to the applicant for correction, with reasons."""
    application, _changed = transition_apply(
        acting_user=acting_user, application=application, name="return", reason=reason
    )
    return application


@transaction.atomic
def application_start_examination(*, acting_user: User, application: Application) -> Application:
    application, _changed = transition_apply(acting_user=acting_user, application=application, name="start_examination")
    return application


def application_approve(*, acting_user: User, application: Application) -> Application:
    """The domicile city's examiner approves; the licence is issued in the same transaction (licensing.py).

    The city's signing key is made first, in its own short transaction, when it does not exist yet: making it
    inside the approval would hold the city row's lock together with the audit head and the USCC sequence, and
    parallel approvals inserting rows that reference the city would deadlock on it.
    """
    from g60.signing.services import signing_key_active, signing_key_ensure

    city = application.domicile_city_id
    if city is not None and not transaction.get_connection().in_atomic_block and not signing_key_active(city=city):
        signing_key_ensure(city=City.objects.get(pk=city))
    return _application_approve(acting_user=acting_user, application=application)


@transaction.atomic
def _application_approve(*, acting_user: User, application: Application) -> Application:
    from g60.onenetwork.licensing import licence_issue_locked

    # The approval and the licence's issue record four events (approve, issue, the enterprise, the licence):
    # they join the audit chain together at the end, so the chain's head is locked only from there to the commit.
    with audit_batch():
        # The domicile city comes with the locked row: licence issue needs it (the authority).
        application = _lock(application, related=("applicant", "domicile_city"))
        application, changed = transition_apply(
            acting_user=acting_user,
            application=application,
            name="approve",
            locked=True,
            also={"decided_at": timezone.now()},
        )
        if changed:
            licence_issue_locked(acting_user=acting_user, application=application)
    return application


def _release_name(application: Application) -> None:
    NameReservation.objects.filter(application=application, released_at__isnull=True).update(released_at=timezone.now())


@transaction.atomic
def application_reject(*, acting_user: User, application: Application, reason: str) -> Application:
    application, changed = transition_apply(
        acting_user=acting_user,
        application=application,
        name="reject",
        reason=reason,
        also={"decided_at": timezone.now()},
    )
    if changed:
        _release_name(application)
    return application


@transaction.atomic
def application_withdraw(*, acting_user: User, application: Application, reason: str = "") -> Application:
    """The applicant withdraws before a decision; the reserved name is released."""
    application, changed = transition_apply(
        acting_user=acting_user, application=application, name="withdraw", reason=reason
    )
    if changed:
        _release_name(application)
    return application
