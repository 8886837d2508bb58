"""Pages of the one network: the applicant's multi-step form and list, the officials' queues, the detail page
with the actions the user may take, the hand-over list and the public verification page. Views are thin: they
parse, call services and selectors, and render; htmx requests get the partial they asked for."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from g60.accounts.permissions import Action, can
from g60.core.access import AUTHENTICATED, PUBLIC, access
from g60.core.forms import form_cleaned
from g60.onenetwork import licensing, selectors, services
from g60.onenetwork.constants import (
    DOCUMENT_MAX_BYTES,
    SHAREHOLDER_NAME_MAX_LENGTH,
    ApplicationState,
    ShareholderKind,
)
from g60.onenetwork.forms import CompanyForm, DocumentForm, PeopleForm, ReasonForm, errors_onto
from g60.onenetwork.models import Application, Document
from g60.onenetwork.names import name_check
from g60.onenetwork.transitions import EDITABLE_STATES, TRANSITIONS, Party, TransitionNotAllowed
from g60.onenetwork.verification import licence_verify, verify_message
from g60.regions.selectors import cities_by_code

STEPS = [
    ("step_company", gettext_lazy("Company and name")),
    ("step_people", gettext_lazy("People and shares")),
    ("step_documents", gettext_lazy("Documents")),
    ("step_review", gettext_lazy("Review and submit")),
]


def _own_editable(request: HttpRequest, public_id: Any) -> Application:
    application = selectors.application_get(user=request.user, public_id=public_id)
    if application.applicant_id != request.user.pk:
        raise Http404
    return application


def _step_context(application: Application | None, current: str) -> dict[str, Any]:
    return {
        "application": application,
        "steps": [{"name": name, "label": label, "current": name == current} for name, label in STEPS],
        "current_step": current,
        "editable": application is None or application.state in EDITABLE_STATES,
    }


def _not_editable(request: HttpRequest, application: Application) -> HttpResponseRedirect:
    messages.error(request, _("This application can no longer be changed."))
    return HttpResponseRedirect(reverse("onenetwork:application_detail", args=[application.public_id]))


# --- Applicant ---------------------------------------------------------------------------------------------


@require_GET
@access(Action.APPLICATION_CREATE)
def application_list(request: HttpRequest) -> HttpResponse:
    applications = selectors.with_overdue(selectors.application_list_mine(user=request.user))
    return render(request, "onenetwork/application_list.html", {"applications": applications})


def _company_initial(application: Application | None) -> dict[str, Any]:
    if application is None:
        return {"form": "company"}
    return {
        "name": application.name,
        "name_en": application.name_en,
        "domicile_city": application.domicile_city_id,
        "window_city": application.window_city_id,
        "form": application.form,
        "registered_capital_wan": application.registered_capital_wan,
        "industry_code": application.industry_code,
        "address": application.address,
        "business_scope": application.business_scope,
    }


def _company(request: HttpRequest, application: Application | None) -> HttpResponse:
    if application is not None and application.state not in EDITABLE_STATES:
        return _not_editable(request, application)
    form = CompanyForm(request.POST or None, initial=_company_initial(application))
    if request.method == "POST" and form.is_valid():
        try:
            if application is None:
                application = services.application_create(acting_user=request.user, values=form.cleaned_data)  # type: ignore[arg-type]
            else:
                application = services.application_update(
                    acting_user=request.user,  # type: ignore[arg-type]
                    application=application,
                    values=form.cleaned_data,
                )
        except ValidationError as exc:
            errors_onto(form, exc)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(reverse("onenetwork:step_people", args=[application.public_id]))
    context = _step_context(application, "step_company") | {"form": form}
    if request.method == "POST" and form.data.get("name"):
        context["name_result"] = _name_result(request.POST, application)
    return render(request, "onenetwork/step_company.html", context)


@require_http_methods(["GET", "POST"])
@access(Action.APPLICATION_CREATE)
def application_new(request: HttpRequest) -> HttpResponse:
    """Step 1 of a new application; saving it creates the draft."""
    return _company(request, None)


@require_http_methods(["GET", "POST"])
@access(Action.APPLICATION_CREATE)
def step_company(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _company(request, _own_editable(request, public_id))


def _name_result(data: Any, application: Application | None) -> Any:
    domicile = str(data.get("domicile_city") or "")
    return name_check(
        name=str(data.get("name", "")),
        form_type=str(data.get("form") or "company"),
        # Only a city's code goes on to the register's full-text search (a NUL byte there answered 500); the
        # form names a wrong city, and the live check then checks the name without one.
        domicile_code=domicile if domicile in cities_by_code() else None,
        industry_code=str(data.get("industry_code", "")).strip().upper(),
        exclude_application_id=application.pk if application is not None else None,
    )


@require_GET
@access(Action.APPLICATION_CREATE)
def name_check_partial(request: HttpRequest) -> HttpResponse:
    """Live feedback on the name while the applicant types (htmx)."""
    application = None
    if request.GET.get("application"):
        try:
            application = _own_editable(request, request.GET["application"])
        except Http404:
            application = None
    result = _name_result(request.GET, application) if request.GET.get("name") else None
    return render(request, "onenetwork/_name_check.html", {"name_result": result})


def _shareholder_rows(request: HttpRequest, application: Application) -> list[dict[str, Any]]:
    if request.method == "POST":
        names = request.POST.getlist("sh_name")
        kinds = request.POST.getlist("sh_kind")
        numbers = request.POST.getlist("sh_id_number")
        shares = request.POST.getlist("sh_share")
        return [
            {"name": n, "kind": k, "id_number": i, "share_percent": s}
            for n, k, i, s in zip(names, kinds, numbers, shares, strict=False)
            if any(v.strip() for v in (n, i, s))
        ]
    return [
        {"name": s.name, "kind": s.kind, "id_number": s.id_number, "share_percent": s.share_display}
        for s in application.shareholders.all()
    ]


@require_http_methods(["GET", "POST"])
@access(Action.APPLICATION_CREATE)
def step_people(request: HttpRequest, public_id: Any) -> HttpResponse:
    application = _own_editable(request, public_id)
    if application.state not in EDITABLE_STATES:
        return _not_editable(request, application)
    form = PeopleForm(
        request.POST or None,
        initial={
            "legal_representative": application.legal_representative,
            "legal_representative_id_number": application.legal_representative_id_number,
        },
    )
    rows = _shareholder_rows(request, application)
    other_errors: dict[str, list[str]] = {}
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(
                acting_user=request.user,  # type: ignore[arg-type]
                application=application,
                values=form.cleaned_data,
                shareholders=rows,
            )
        except ValidationError as exc:
            other_errors = errors_onto(form, exc)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(reverse("onenetwork:step_documents", args=[application.public_id]))
    for index, row in enumerate(rows):
        row["index"] = index
        row["errors"] = {
            key.rsplit(".", 1)[-1]: value
            for key, value in other_errors.items()
            if key.startswith(f"shareholders.{index}.")
        }
    context = _step_context(application, "step_people") | {
        "form": form,
        "rows": rows or [{"index": 0, "kind": ShareholderKind.PERSON, "errors": {}}],
        "shareholder_errors": other_errors.get("shareholders", []),
        "kinds": ShareholderKind.choices,
        "shareholder_name_max_length": SHAREHOLDER_NAME_MAX_LENGTH,
    }
    return render(request, "onenetwork/step_people.html", context)


@require_GET
@access(Action.APPLICATION_CREATE)
def shareholder_row(request: HttpRequest) -> HttpResponse:
    """One empty shareholder row (htmx: "Add shareholder")."""
    try:
        index = max(0, min(int(request.GET.get("index", "0")), 99))
    except ValueError:
        index = 0
    row = {"index": index, "kind": ShareholderKind.PERSON, "errors": {}}
    context = {"row": row, "kinds": ShareholderKind.choices, "shareholder_name_max_length": SHAREHOLDER_NAME_MAX_LENGTH}
    return render(request, "onenetwork/_shareholder_row.html", context)


@require_http_methods(["GET", "POST"])
@access(Action.APPLICATION_CREATE)
def step_documents(request: HttpRequest, public_id: Any) -> HttpResponse:
    application = _own_editable(request, public_id)
    if application.state not in EDITABLE_STATES:
        return _not_editable(request, application)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.document_add(
                acting_user=request.user,  # type: ignore[arg-type]
                application=application,
                kind=form.cleaned_data["kind"],
                filename=upload.name,
                content=upload.read(DOCUMENT_MAX_BYTES + 1),
                content_type=upload.content_type or "",
            )
        except ValidationError as exc:
            errors_onto(form, exc)
        else:
            messages.success(request, _("Document uploaded."))
            return HttpResponseRedirect(reverse("onenetwork:step_documents", args=[application.public_id]))
    context = _step_context(application, "step_documents") | {
        "form": form,
        "documents": application.documents.all(),
    }
    return render(request, "onenetwork/step_documents.html", context)


@access(Action.APPLICATION_CREATE)  # the role is checked before the method, so a GET without it answers 403
@require_POST
def document_remove(request: HttpRequest, public_id: Any, document_id: int) -> HttpResponse:
    application = _own_editable(request, public_id)
    document = Document.objects.filter(application=application, pk=document_id).first()
    if document is None:
        raise Http404
    try:
        services.document_remove(acting_user=request.user, document=document)  # type: ignore[arg-type]
    except TransitionNotAllowed:
        return _not_editable(request, application)
    return HttpResponseRedirect(reverse("onenetwork:step_documents", args=[application.public_id]))


@require_http_methods(["GET", "POST"])
@access(Action.APPLICATION_CREATE)
def step_review(request: HttpRequest, public_id: Any) -> HttpResponse:
    application = _own_editable(request, public_id)
    if application.state not in EDITABLE_STATES:
        return _not_editable(request, application)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            services.application_submit(acting_user=request.user, application=application)  # type: ignore[arg-type]
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, _("Submitted. The window city's clerk will check your papers."))
            return HttpResponseRedirect(reverse("onenetwork:application_detail", args=[application.public_id]))
    context = _step_context(application, "step_review") | {
        "errors": errors,
        "shareholders": application.shareholders.all(),
        "documents": application.documents.all(),
    }
    return render(request, "onenetwork/step_review.html", context)


# --- Detail and actions ------------------------------------------------------------------------------------


def _allowed_steps(user: Any, application: Application) -> list[str]:
    """The transitions this user may take on this application now (to show their buttons)."""
    steps = []
    for transition in TRANSITIONS.values():
        if transition.name == "issue_licence" or application.state not in transition.sources:
            continue
        if transition.party == Party.APPLICANT:
            allowed = application.applicant_id == user.pk and can(user, transition.action)
        elif transition.party == Party.WINDOW:
            allowed = can(user, transition.action, application.window_city_id)
        else:
            allowed = can(user, transition.action, application.domicile_city_id)
        if allowed:
            steps.append(transition.name)
    return steps


@require_GET
@access(AUTHENTICATED)
def application_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    application = selectors.application_get(user=request.user, public_id=public_id)
    licence = getattr(application, "licence", None)
    context = {
        "application": application,
        "overdue": selectors.is_overdue(application),
        "events": application.events.select_related("actor"),
        "shareholders": application.shareholders.all(),
        "documents": application.documents.all(),
        "allowed": _allowed_steps(request.user, application),
        "licence": licence,
        "can_revoke": licence is not None
        and licence.revoked_at is None
        and can(request.user, Action.LICENCE_REVOKE, licence.authority_id),
        "can_hand_over": licence is not None
        and licence.handed_over_at is None
        and licence.revoked_at is None
        and can(request.user, Action.LICENCE_HANDOVER, application.window_city_id),
        "is_applicant": application.applicant_id == request.user.pk,
        "editable": application.state in EDITABLE_STATES and application.applicant_id == request.user.pk,
        "reason_form": ReasonForm(),
        "states": ApplicationState,
    }
    return render(request, "onenetwork/application_detail.html", context)


def _reason(request: HttpRequest) -> str:
    """The reason typed on the detail page. A reason the database cannot store (a NUL byte: PostgreSQL answered
    500) is a ValidationError naming the field, before any service runs."""
    return str(form_cleaned(ReasonForm(request.POST))["reason"])


ACTION_SERVICES: dict[str, Any] = {
    "accept": services.application_accept,
    "start_examination": services.application_start_examination,
    "approve": services.application_approve,
}
REASON_SERVICES: dict[str, Any] = {
    "return": services.application_return,
    "reject": services.application_reject,
    "withdraw": services.application_withdraw,
}


@require_POST
@access(AUTHENTICATED)
def application_action(request: HttpRequest, public_id: Any, step: str) -> HttpResponse:
    """One transition from the detail page's buttons; the service decides whether it is allowed."""
    application = selectors.application_get(user=request.user, public_id=public_id)
    target = reverse("onenetwork:application_detail", args=[application.public_id])
    try:
        if step in ACTION_SERVICES:
            ACTION_SERVICES[step](acting_user=request.user, application=application)
        elif step in REASON_SERVICES:
            REASON_SERVICES[step](acting_user=request.user, application=application, reason=_reason(request))
        else:
            raise Http404
    except TransitionNotAllowed as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        for field_messages in exc.message_dict.values():
            for message in field_messages:
                messages.error(request, message)
    except PermissionDenied:
        messages.error(request, _("You are not allowed to do this."))
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": services.STEP_LABELS[step]})
    return HttpResponseRedirect(target)


# --- Officials' queues -------------------------------------------------------------------------------------


@require_GET
@access(Action.APPLICATION_ACCEPT)
def acceptance_queue(request: HttpRequest) -> HttpResponse:
    rows = selectors.with_overdue(selectors.acceptance_queue(user=request.user))
    return render(
        request, "onenetwork/queue.html", {"applications": rows, "title": _("Acceptance queue"), "kind": "acceptance"}
    )


@require_GET
@access(Action.APPLICATION_EXAMINE)
def examination_queue(request: HttpRequest) -> HttpResponse:
    rows = selectors.with_overdue(selectors.examination_queue(user=request.user))
    return render(
        request, "onenetwork/queue.html", {"applications": rows, "title": _("Examination queue"), "kind": "examination"}
    )


@require_GET
@access(Action.LICENCE_HANDOVER)
def handover_list(request: HttpRequest) -> HttpResponse:
    return render(request, "onenetwork/handover_list.html", {"licences": selectors.handover_list(user=request.user)})


@access(Action.LICENCE_HANDOVER)  # the role is checked before the method, so a GET without it answers 403
@require_POST
def licence_hand_over(request: HttpRequest, public_id: Any) -> HttpResponse:
    licence = selectors.licence_get(user=request.user, public_id=public_id)
    try:
        licensing.licence_hand_over(acting_user=request.user, licence=licence)  # type: ignore[arg-type]
    except TransitionNotAllowed as exc:
        messages.error(request, exc.message)
    except PermissionDenied:
        messages.error(request, _("You are not allowed to do this."))
    else:
        messages.success(request, _("Hand-over recorded."))
    # Back to the page the button was on, if it is one of ours: a `next` of another site was an open redirect.
    target = request.POST.get("next", "")
    hosts = {request.get_host()}
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=hosts, require_https=request.is_secure()):
        target = reverse("onenetwork:handover_list")
    return HttpResponseRedirect(target)


@access(Action.LICENCE_REVOKE)  # the role is checked before the method, so a GET without it answers 403
@require_POST
def licence_revoke(request: HttpRequest, public_id: Any) -> HttpResponse:
    licence = selectors.licence_get(user=request.user, public_id=public_id)
    try:
        licensing.licence_revoke(
            acting_user=request.user,  # type: ignore[arg-type]
            licence=licence,
            reason=_reason(request),
        )
    except ValidationError as exc:
        for field_messages in exc.message_dict.values():
            for message in field_messages:
                messages.error(request, message)
    except PermissionDenied:
        messages.error(request, _("You are not allowed to do this."))
    else:
        messages.success(request, _("The licence was revoked."))
    return HttpResponseRedirect(reverse("onenetwork:application_detail", args=[licence.application.public_id]))


@require_GET
@access(AUTHENTICATED)
def licence_pdf(request: HttpRequest, public_id: Any) -> HttpResponse:
    licence = selectors.licence_get(user=request.user, public_id=public_id)
    response = HttpResponse(licensing.licence_pdf_bytes(licence), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="licence-{licence.uscc}.pdf"'
    return response


# --- Public verification -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@access(PUBLIC)
def verify(request: HttpRequest) -> HttpResponse:
    """Anyone can paste the token from the QR code (or the e-licence record) and see whether it is valid."""
    token = (request.POST.get("token") or request.GET.get("token") or "").strip()
    result = licence_verify(token=token) if token else None
    context = {
        "token": token,
        "result": result,
        "message": verify_message(result.reason) if result else "",
    }
    template = (
        "onenetwork/_verify_result.html"
        if getattr(request, "htmx", False) and request.method == "POST"
        else "onenetwork/verify.html"
    )
    return render(request, template, context)
