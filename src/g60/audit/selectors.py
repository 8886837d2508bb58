from django.db.models import QuerySet

from g60.accounts.permissions import Action, can
from g60.audit.models import AuditEvent


def audit_event_list(*, user: object, action: str = "", object_type: str = "") -> QuerySet[AuditEvent]:
    """Audit events, newest first, for the users allowed to read the trail (none otherwise)."""
    if not can(user, Action.AUDIT_VIEW):  # type: ignore[arg-type]
        return AuditEvent.objects.none()
    events = AuditEvent.objects.all()
    if action:
        events = events.filter(action=action)
    if object_type:
        events = events.filter(object_type=object_type)
    return events.order_by("-seq")
