import hashlib
import secrets

from django.db import transaction

from g60.accounts.models import User
from g60.api.models import ApiToken
from g60.audit.services import audit_record

TOKEN_PREFIX = "g60_"  # noqa: S105 - a marker, not a secret


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(*, acting_user: User | None, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create a token for `user`; returns the row and the token itself, which is not stored anywhere."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(user=user, name=name, prefix=token[:10], digest=token_digest(token))
    audit_record(actor=acting_user, action="api_token.create", obj=row, after={"user": user.username, "name": name})
    return row, token
