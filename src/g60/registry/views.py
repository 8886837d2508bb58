"""The public register's pages (search, detail), the export and the import pages. Thin: selectors and services
do the work."""

import csv
import datetime as dt
import uuid
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from g60.accounts.permissions import Action, can
from g60.audit.services import audit_record
from g60.core.access import PUBLIC, access
from g60.core.forms import form_cleaned
from g60.regions.models import City, prefers_chinese
from g60.registry.constants import EnterpriseStatus, ImportJobStatus
from g60.registry.exporting import csv_chunks, xlsx_file
from g60.registry.importing import error_report_rows, import_job_create, import_job_run
from g60.registry.industry import SECTIONS
from g60.registry.models import ImportJob
from g60.registry.selectors import (
    MAX_OFFSET,
    SORTS,
    enterprise_get,
    enterprise_page,
    enterprise_personal_id,
    enterprise_public_facts,
    enterprise_query_parse,
    enterprise_search,
    highlight,
)
from g60.registry.services import enterprise_archive, enterprise_unarchive

PAGE_SIZE = 20
# The furthest page: the same bound as the search's offset parameter.
MAX_PAGE = MAX_OFFSET // PAGE_SIZE + 1
UPLOAD_SUFFIXES = (".csv", ".xlsx")
# The search page names each order and each parameter in the user's language (the API and the export name them
# by their parameter, which is what their users type).
SORT_LABELS = {
    "": gettext_lazy("register order"),
    "name": gettext_lazy("Name, ascending"),
    "-name": gettext_lazy("Name, descending"),
    "established_on": gettext_lazy("Established, oldest first"),
    "-established_on": gettext_lazy("Established, newest first"),
    "capital": gettext_lazy("Registered capital, smallest first"),
    "-capital": gettext_lazy("Registered capital, largest first"),
    "uscc": gettext_lazy("Unified Social Credit Code"),
}
PARAMETER_LABELS = {
    "q": gettext_lazy("Name, English name or Unified Social Credit Code"),
    "city": gettext_lazy("City"),
    "status": gettext_lazy("Status"),
    "industry": gettext_lazy("Industry (section or class)"),
    "year": gettext_lazy("Year established"),
    "capital_min": gettext_lazy("Capital from (10,000 yuan)"),
    "capital_max": gettext_lazy("Capital up to (10,000 yuan)"),
    "sort": gettext_lazy("Sort by"),
    "page": gettext_lazy("Page"),
    "limit": gettext_lazy("Results per page"),
    "offset": gettext_lazy("First result"),
}


def _one_of(labels: Any) -> str:
    separator = "、" if prefers_chinese() else "; "
    return _("One of: %(choices)s.") % {"choices": separator.join(str(label) for label in labels)}


def _page_errors(errors: dict[str, list[Any]]) -> list[tuple[str, str, list[str]]]:
    """The query's errors as the search page shows them: the field's label, the parameter (as in the address and
    the API), and the rule, naming the choices of a status or an order by their labels rather than their codes."""
    shown = dict(errors)
    if "status" in shown:
        shown["status"] = [_one_of(label for _value, label in EnterpriseStatus.choices)]
    if "sort" in shown:
        shown["sort"] = [_one_of(label for value, label in SORT_LABELS.items() if value)]
    return [
        (str(PARAMETER_LABELS.get(name, name)), name, [str(m) for m in messages]) for name, messages in shown.items()
    ]


@access(PUBLIC)
def search(request: HttpRequest) -> HttpResponse:
    query = enterprise_query_parse(request.GET, default_limit=PAGE_SIZE)
    page_number = 1
    try:
        page_number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page_number = 1
    if page_number > MAX_PAGE:
        # Its offset would overflow the database's integers (page=10**20 answered 500): name the field and range.
        query.errors["page"] = [_("Between %(low)d and %(high)d.") % {"low": 1, "high": MAX_PAGE}]
        page_number = 1
    query.limit = PAGE_SIZE
    query.offset = (page_number - 1) * PAGE_SIZE
    items: list[dict[str, Any]] = []
    count = 0
    capped = False
    if not query.errors:
        enterprises, count, capped = enterprise_page(query)
        for enterprise in enterprises:
            facts = enterprise_public_facts(enterprise, request.user)
            facts["name_html"] = highlight(enterprise.name, query.q)
            facts["name_en_html"] = highlight(enterprise.name_en, query.q)
            facts["uscc_html"] = highlight(enterprise.uscc, query.q.upper())
            facts["status_label"] = enterprise.get_status_display()
            items.append(facts)
    pages = Paginator(range(count), PAGE_SIZE).get_page(page_number) if count else None
    params = query.as_params()
    context = {
        "query": query,
        "params": params,
        # Encoded: a raw "&" or "#" in the text (R&D) cut the export and page links' query short.
        "querystring": urlencode(params),
        "items": items,
        "count": count,
        "capped": capped,
        "pages": pages,
        "cities": City.objects.all(),
        "statuses": EnterpriseStatus.choices,
        "sections": SECTIONS,
        "sorts": [(value, SORT_LABELS.get(value, value)) for value in SORTS],
        "error_rows": _page_errors(query.errors),
        "can_export": can(request.user, Action.ENTERPRISE_EXPORT),
    }
    template = "registry/_results.html" if getattr(request, "htmx", False) else "registry/search.html"
    return render(request, template, context, status=400 if query.errors else 200)


@access(PUBLIC)
def detail(request: HttpRequest, uscc: str) -> HttpResponse:
    # Officials who may archive in some city also find archived enterprises (to put them back); for anyone else
    # an archived enterprise is off the register (404).
    enterprise = enterprise_get(uscc, include_archived=can(request.user, Action.ENTERPRISE_ARCHIVE))
    may_archive = can(request.user, Action.ENTERPRISE_ARCHIVE, enterprise.city_id)
    if enterprise.archived and not may_archive:
        raise Http404(uscc)
    context = {
        "may_archive": may_archive,
        "enterprise": enterprise,
        "facts": enterprise_public_facts(enterprise, request.user),
        "personal_id": enterprise_personal_id(enterprise, request.user),
        "former_names": enterprise.former_names.all(),
        "official": can(request.user, Action.ENTERPRISE_EXPORT),
        "changes": enterprise.changes.all()[:20] if can(request.user, Action.ENTERPRISE_EXPORT) else [],
    }
    return render(request, "registry/detail.html", context)


class ArchiveForm(forms.Form):
    # A form field refuses a NUL byte, which PostgreSQL cannot store (the archive answered 500).
    reason = forms.CharField(label=gettext_lazy("Reason for archiving"), required=False)


@access(Action.ENTERPRISE_ARCHIVE)
@require_POST
def archive(request: HttpRequest, uscc: str) -> HttpResponse:
    """Take the enterprise off the public register, or (`undo`) put it back; the service checks the city."""
    enterprise = enterprise_get(uscc, include_archived=True)
    try:
        if request.POST.get("undo"):
            enterprise_unarchive(acting_user=request.user, enterprise=enterprise)  # type: ignore[arg-type]
            messages.success(request, _("The enterprise is back on the public register."))
        else:
            enterprise_archive(
                acting_user=request.user,  # type: ignore[arg-type]
                enterprise=enterprise,
                reason=form_cleaned(ArchiveForm(request.POST))["reason"],
            )
            messages.success(request, _("The enterprise was archived: it is off the public register, not deleted."))
    except PermissionDenied:
        # Another city's enterprise: as if it did not exist for this user.
        raise Http404(uscc) from None
    except ValidationError as exc:
        for field_messages in exc.message_dict.values():
            for message in field_messages:
                messages.error(request, message)
    return redirect("registry:detail", uscc=enterprise.uscc)


@access(Action.ENTERPRISE_EXPORT)
def export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    query = enterprise_query_parse(request.GET)
    fmt = request.GET.get("format", "csv")
    if query.errors or fmt not in ("csv", "xlsx"):
        errors = dict(query.errors)
        if fmt not in ("csv", "xlsx"):
            errors["format"] = [_("csv or xlsx")]
        text = "; ".join(f"{field}: {' '.join(str(m) for m in msgs)}" for field, msgs in errors.items())
        return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
    queryset = enterprise_search(query)
    with transaction.atomic():
        count = queryset.count()
        # A sensitive read: who took which part of the register, and how much of it.
        audit_record(
            actor=request.user,
            action="enterprise.export",
            object_type="registry.enterprise",
            object_repr=f"{count} enterprises",
            after={"query": query.as_params(), "format": fmt, "rows": count},
        )
    if fmt == "xlsx":
        return FileResponse(
            xlsx_file(queryset),
            as_attachment=True,
            filename="enterprises.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response = StreamingHttpResponse(csv_chunks(queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="enterprises.csv"'
    return response


def _run_in_background(job_pk: int, language: str) -> None:
    """Run an uploaded import outside the request; the job page polls its progress. A failure of the whole file
    is stated in the language of the official who started it (a new thread would speak LANGUAGE_CODE); the rules
    rows break are stored as codes and shown in each reader's language."""
    try:
        with translation.override(language):
            import_job_run(ImportJob.objects.get(pk=job_pk))
    finally:
        connection.close()


@access(Action.ENTERPRISE_IMPORT)
def import_upload(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        upload = request.FILES.get("file")
        suffix = Path(upload.name).suffix.lower() if upload and upload.name else ""
        if upload is None or suffix not in UPLOAD_SUFFIXES:
            messages.error(request, _("Choose a CSV or XLSX file."))
            return render(request, "registry/import.html", {"jobs": _recent_jobs()}, status=400)
        folder = Path(settings.MEDIA_ROOT) / "registry-imports"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{uuid.uuid4().hex}{suffix}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        job = import_job_create(acting_user=request.user, path=path, file_name=upload.name or path.name)  # type: ignore[arg-type]
        _start(job)
        return redirect("registry:import_job", public_id=job.public_id)
    return render(request, "registry/import.html", {"jobs": _recent_jobs()})


def _recent_jobs() -> list[ImportJob]:
    return list(ImportJob.objects.select_related("created_by")[:10])


# A running import commits a batch (and touches its job) every second or so; a job untouched for this long has
# lost its process (a server restart, a killed worker) and may be resumed after its last committed line.
STALLED_AFTER = dt.timedelta(minutes=2)


def _stalled(job: ImportJob) -> bool:
    if job.status == ImportJobStatus.FAILED:
        return True
    return job.status != ImportJobStatus.DONE and timezone.now() - job.modified_on > STALLED_AFTER


def _start(job: ImportJob) -> None:
    if getattr(settings, "REGISTRY_IMPORT_IN_BACKGROUND", True):
        import threading

        language = translation.get_language() or settings.LANGUAGE_CODE
        threading.Thread(target=_run_in_background, args=(job.pk, language), daemon=True).start()
    else:
        import_job_run(job)


@access(Action.ENTERPRISE_IMPORT)
@require_POST
def import_resume(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Go on with a stalled or failed import after its last committed line (the same as `--resume`)."""
    with transaction.atomic():
        job = get_object_or_404(ImportJob.objects.select_for_update(), public_id=public_id)
        if not _stalled(job):
            messages.error(request, _("This import is not stalled; only a stalled or failed import can be resumed."))
            return redirect("registry:import_job", public_id=job.public_id)
        # Touch the job so a second click (or a second official) does not start it twice.
        job.status = ImportJobStatus.RUNNING
        job.save(update_fields=["status", "modified_on"])
    _start(job)
    messages.success(request, _("The import goes on after line %(line)d.") % {"line": job.last_committed_line})
    return redirect("registry:import_job", public_id=job.public_id)


@access(Action.ENTERPRISE_IMPORT)
def import_job(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    job = get_object_or_404(ImportJob, public_id=public_id)
    stalled = _stalled(job)
    context = {
        "job": job,
        "stalled": stalled,
        "finished": job.status == ImportJobStatus.DONE or stalled,
        "errors": job.errors.all()[:50],
    }
    template = "registry/_job.html" if getattr(request, "htmx", False) else "registry/import_job.html"
    return render(request, template, context)


class _Line:
    def write(self, value: str) -> str:
        return value


@access(Action.ENTERPRISE_IMPORT)
def import_errors(request: HttpRequest, public_id: uuid.UUID) -> StreamingHttpResponse:
    job = get_object_or_404(ImportJob, public_id=public_id)
    writer = csv.writer(_Line())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in error_report_rows(job)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="import-{job.public_id}-errors.csv"'
    return response
