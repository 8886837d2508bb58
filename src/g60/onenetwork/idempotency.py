"""Idempotency-Key handling for the API's create and submit operations.

The key row and the work are committed in one transaction: a retry with the same key (same user) finds the
row and gets the first response back; two copies arriving at the same moment collide on the unique constraint,
the second waits for the first to commit (PostgreSQL blocks on the uncommitted key; SQLite serialises writers)
and then reads its response. If the work fails, the key is rolled back with it and a retry runs again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from g60.accounts.models import User
from g60.onenetwork.models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 128


def fingerprint(operation: str, payload: Any) -> str:
    text = json.dumps({"operation": operation, "payload": payload}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def idempotent_call(
    *,
    user: User,
    key: str | None,
    operation: str,
    payload: Any,
    run: Callable[[], tuple[int, Any]],
) -> tuple[int, Any]:
    """Run `run` once per (user, key); return its (status, JSON body) now and on every retry."""
    if not key:
        return run()
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValidationError({HEADER: [_("An Idempotency-Key is 1 to 128 characters.")]})
    if not (key.isascii() and key.isprintable()):
        # A header's value is printable ASCII; a NUL byte in the stored key made PostgreSQL answer 500.
        raise ValidationError({HEADER: [_("An Idempotency-Key uses printable ASCII characters only.")]})
    digest = fingerprint(operation, payload)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(user=user, key=key, operation=operation, fingerprint=digest)
        except IntegrityError:
            record = IdempotencyKey.objects.get(user=user, key=key)
            if record.fingerprint != digest:
                raise ValidationError(
                    {HEADER: [_("This Idempotency-Key was already used for a different request.")]}
                ) from None
            return record.status_code, record.response
        status, body = run()
        record.status_code = status
        record.response = body
        record.save(update_fields=["status_code", "response"])
        return status, body
