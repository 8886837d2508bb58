from django.http import HttpRequest

from g60.accounts.permissions import roles_of
from g60.core.navigation import nav_for


def navigation(request: HttpRequest) -> dict[str, object]:
    return {"nav_entries": nav_for(request), "user_roles": roles_of(request.user)}
