"""API authentication: a bearer token (`g60 token USERNAME`) or the browser's session (with CSRF)."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from g60.api.models import ApiToken
from g60.api.services import TOKEN_PREFIX, token_digest


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token.startswith(TOKEN_PREFIX):
            return None
        row = (
            ApiToken.objects.select_related("user")
            .filter(digest=token_digest(token), revoked_on__isnull=True, user__is_active=True)
            .first()
        )
        if row is None:
            return None
        now = timezone.now()
        # Write the last-used time at most once a minute: reads should not turn into writes.
        if row.last_used_on is None or (now - row.last_used_on).total_seconds() > 60:
            ApiToken.objects.filter(pk=row.pk).update(last_used_on=now)
        request.user = row.user
        return row.user


token_or_session = [TokenAuth(), SessionAuth()]
