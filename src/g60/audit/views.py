from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from g60.accounts.permissions import Action
from g60.audit.models import AuditEvent
from g60.audit.selectors import audit_event_list
from g60.audit.verify import audit_verify
from g60.core.access import access


class EventFilter(forms.Form):
    """The page's filters. Form fields refuse a NUL character, which PostgreSQL cannot compare text with (the
    filter answered 500), and name the field and the rule in the user's language."""

    action = forms.CharField(label=_("Action"), required=False)
    object_type = forms.CharField(label=_("Object type"), required=False)


@require_GET
@access(Action.AUDIT_VIEW)
def events(request: HttpRequest) -> HttpResponse:
    filters = EventFilter(request.GET)
    if not filters.is_valid():
        empty = Paginator(AuditEvent.objects.none(), 50).get_page(1)
        return render(request, "audit/events.html", {"page": empty, "filters": filters}, status=400)
    action = filters.cleaned_data["action"][:64]
    object_type = filters.cleaned_data["object_type"][:64]
    queryset = audit_event_list(user=request.user, action=action, object_type=object_type)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    context: dict[str, object] = {"page": page, "action": action, "object_type": object_type}
    if request.GET.get("verify"):
        context["verification"] = audit_verify()
    return render(request, "audit/events.html", context)
