from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from g60.accounts.permissions import roles_of
from g60.core.navigation import nav_for


def navigation(request: HttpRequest) -> dict[str, object]:
    # An error page may be rendered for a request that never reached AuthenticationMiddleware (a 400 for a host
    # the site does not serve is raised by CommonMiddleware before it): it is shown as to an anonymous visitor,
    # as Django's own auth context processor does.
    user = getattr(request, "user", None) or AnonymousUser()
    return {"nav_entries": nav_for(request, user), "user_roles": roles_of(user)}
