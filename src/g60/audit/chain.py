"""The hash of an audit event: SHA-256 over a canonical JSON of its content and the previous event's hash."""

import hashlib
import json
from datetime import datetime
from typing import Any


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def event_text(
    *,
    seq: int,
    occurred_at: datetime,
    actor_id: int | None,
    actor_username: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    before: Any,
    after: Any,
    request_id: str,
    prev_hash: str,
) -> str:
    """The canonical JSON an event's hash is taken over."""
    # The timestamp is hashed in UTC ISO form at microsecond precision, which both SQLite and PostgreSQL keep.
    return canonical(
        {
            "seq": seq,
            "at": occurred_at.isoformat(timespec="microseconds"),
            "actor": actor_id,
            "username": actor_username,
            "action": action,
            "type": object_type,
            "id": object_id,
            "repr": object_repr,
            # JSON columns may come back with keys reordered; hashing their canonical form makes that harmless.
            "before": canonical(before),
            "after": canonical(after),
            "request": request_id,
            "prev": prev_hash,
        }
    )


def chain_text(event: Any) -> str:
    """The canonical text of an audit event (a row read back, or one about to be written) from its own fields."""
    return event_text(
        seq=event.seq,
        occurred_at=event.occurred_at,
        actor_id=event.actor_id,
        actor_username=event.actor_username,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        object_repr=event.object_repr,
        before=event.before,
        after=event.after,
        request_id=event.request_id,
        prev_hash=event.prev_hash,
    )


def stored_event_hash(event: Any) -> str:
    """The hash of an audit event (a row read back, or one about to be written) from its own fields."""
    return hashlib.sha256(chain_text(event).encode("utf-8")).hexdigest()
