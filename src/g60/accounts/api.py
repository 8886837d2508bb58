from django.http import HttpRequest
from ninja import Router, Schema

from g60.accounts.models import User
from g60.accounts.permissions import RULES, can
from g60.accounts.selectors import membership_list
from g60.api.auth import token_or_session

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    role: str
    city: str | None


class MeOut(Schema):
    username: str
    display_name: str
    memberships: list[MembershipOut]
    actions: list[str]


@router.get("/me", response=MeOut, auth=token_or_session, summary="The authenticated user and their roles")
def me(request: HttpRequest) -> MeOut:
    user: User = request.auth  # type: ignore[attr-defined]
    return MeOut(
        username=user.username,
        display_name=user.display_name,
        memberships=[MembershipOut(role=m.role, city=m.city_id) for m in membership_list(user=user)],
        actions=sorted(action.value for action in RULES if can(user, action)),
    )
