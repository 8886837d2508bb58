"""Appending to the audit log. Every service that changes state calls `audit_record` inside its transaction,
so the event is committed with the change or not at all."""

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from g60.audit.chain import event_hash
from g60.audit.models import AuditEvent, AuditHead
from g60.core.request_context import current_request_id


class AuditOutsideTransaction(RuntimeError):
    """An audit event must be written in the same transaction as the change it records."""


def _plain(value: Any) -> Any:
    """Dates, decimals and UUIDs as the JSON the column will give back, so the hash is computed on that."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _lock_head() -> AuditHead:
    # The head row serialises appenders on PostgreSQL (row lock); SQLite's IMMEDIATE transactions already do.
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditHead.objects.get_or_create(pk=1)
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    """Append one event to the chain. `actor` is the acting user (None for the system)."""
    if not transaction.get_connection().in_atomic_block:
        raise AuditOutsideTransaction(action)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    username = actor.get_username() if actor_id is not None else ""
    head = _lock_head()
    fields: dict[str, Any] = {
        "seq": head.last_seq + 1,
        "occurred_at": timezone.now(),
        "actor_username": username,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr[:200],
        "before": _plain(before),
        "after": _plain(after),
        "request_id": current_request_id(),
        "prev_hash": head.last_hash,
    }
    digest = event_hash(actor_id=actor_id, **fields)
    event = AuditEvent.objects.create(actor_id=actor_id, hash=digest, **fields)
    head.last_seq = event.seq
    head.last_hash = digest
    head.save(update_fields=["last_seq", "last_hash"])
    return event


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of a model instance, for the before/after of an event."""
    return {name: getattr(instance, name) for name in fields}
