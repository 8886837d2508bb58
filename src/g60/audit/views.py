from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from g60.accounts.permissions import Action
from g60.audit.selectors import audit_event_list
from g60.audit.verify import audit_verify
from g60.core.access import access


@require_GET
@access(Action.AUDIT_VIEW)
def events(request: HttpRequest) -> HttpResponse:
    action = request.GET.get("action", "")[:64]
    object_type = request.GET.get("object_type", "")[:64]
    queryset = audit_event_list(user=request.user, action=action, object_type=object_type)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    context: dict[str, object] = {"page": page, "action": action, "object_type": object_type}
    if request.GET.get("verify"):
        context["verification"] = audit_verify()
    return render(request, "audit/events.html", context)
