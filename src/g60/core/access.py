"""How a view declares who may open it. The declaration is stored on the view so that the URL access test
(`tests/core/test_url_access.py`) can read every view's rule and compare it with the expected map.

Deny by default comes from Django's LoginRequiredMiddleware: a view that declares nothing needs a login, and
only views declared PUBLIC are opened to anonymous visitors.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, Final, TypeVar

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponseBase

from g60.accounts.permissions import Action, require

PUBLIC: Final = "public"
AUTHENTICATED: Final = "authenticated"

AccessRule = Action | str
View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def access(rule: AccessRule) -> Callable[[View], View]:
    """Declare (and enforce) the access rule of a function view: PUBLIC, AUTHENTICATED or an Action.

    For an Action the user must be allowed to do it in at least one city; object-level checks (this
    application, in this city) are the selectors' job and answer 404.
    """
    if rule not in (PUBLIC, AUTHENTICATED) and not isinstance(rule, Action):
        raise ValueError(f"unknown access rule {rule!r}")

    def decorator(view: View) -> View:
        if isinstance(rule, Action):

            @wraps(view)
            def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
                require(request.user, rule)
                return view(request, *args, **kwargs)

            wrapped: Any = checked
        else:
            wrapped = view
        if rule == PUBLIC:
            wrapped = login_not_required(wrapped)
        wrapped.g60_access = rule
        return wrapped

    return decorator
