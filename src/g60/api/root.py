"""The versioned API root. Each app contributes a router; this module only assembles them."""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from g60.accounts.api import router as accounts_router
from g60.onenetwork.api import applications_router, licences_router
from g60.onenetwork.transitions import TransitionNotAllowed
from g60.regions.api import router as regions_router
from g60.registry.api import router as registry_router
from g60.signing.api import router as signing_router

api = NinjaAPI(
    title="G60 Valley Platform API",
    version="1",
    description="The API of the G60 Science & Technology Innovation Valley platform, for the nine cities' systems.",
    urls_namespace="api",
    docs_url="/docs",
)


def api_urls() -> tuple[list[Any], str, str]:
    """The API's URL patterns, opened to the login-required middleware: every operation declares its own
    authentication (`auth=`), and anonymous callers get 401 from the API rather than a login redirect."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if pattern.callback is not None:
            pattern.callback = login_not_required(pattern.callback)
    return patterns, app_name, namespace


api.add_router("/regions", regions_router)
api.add_router("/accounts", accounts_router)
api.add_router("/applications", applications_router)
api.add_router("/licences", licences_router)
api.add_router("/keys", signing_router)
api.add_router("/enterprises", registry_router)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: dict[str, Any] = (
        {field: list(messages) for field, messages in exc.message_dict.items()}
        if hasattr(exc, "error_dict")
        else {"__all__": list(exc.messages)}
    )
    return api.create_response(request, {"detail": _("Invalid input."), "errors": errors}, status=422)


@api.exception_handler(NinjaValidationError)
def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "payload")]
        errors.setdefault(".".join(loc) or "__all__", []).append(str(error.get("msg", "")))
    return api.create_response(request, {"detail": _("Invalid input."), "errors": errors}, status=422)


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": _("You are not allowed to do this.")}, status=403)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": _("Authentication required.")}, status=401)


@api.exception_handler(TransitionNotAllowed)
def on_transition_not_allowed(request: HttpRequest, exc: TransitionNotAllowed) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message, "code": exc.code, "state": exc.state}, status=409)
