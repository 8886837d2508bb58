"""The versioned API root. Each app contributes a router; this module only assembles them."""

from typing import Any

from csp.decorators import csp_update
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core import validators
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrPromise
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from g60.accounts.api import router as accounts_router
from g60.onenetwork.api import applications_router, licences_router
from g60.onenetwork.transitions import TransitionNotAllowed
from g60.regions.api import router as regions_router
from g60.registry.api import router as registry_router
from g60.signing.api import router as signing_router


class ObjectParser(Parser):
    """A request body is a JSON object. ninja's Schema reads any other value (a list, a number, a string, null) as
    an object without attributes, so `[1]` was accepted as an empty draft (201) and `5` as an empty reason."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise TypeError("the request body is not a JSON object")  # ninja answers 400 (on_http_error)
        return data


# The docs page (Swagger UI, from ninja's own static files) runs under the platform's strict Content-Security-Policy
# (settings.CONTENT_SECURITY_POLICY) but for one source: Swagger UI's style sheet draws its icons (the arrows of
# the operations and models, the copy button) as data: images, refused by img-src 'self'. ninja's page has no
# inline script (its settings are a JSON data block, read by swagger-ui-init.js) and Swagger UI needs neither
# inline styles nor eval, so nothing else is relaxed. The decorator also covers openapi.json, where it changes nothing.
DOCS_CSP_UPDATE = {"img-src": ["data:"]}

api = NinjaAPI(
    title="G60 Valley Platform API",
    version="1",
    description="The API of the G60 Science & Technology Innovation Valley platform, for the nine cities' systems.",
    urls_namespace="api",
    docs_url="/docs",
    docs_decorator=csp_update(DOCS_CSP_UPDATE),
    parser=ObjectParser(),
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


# Pydantic's messages are English only. Each error type the API's schemas raise gets Django's message for the same
# rule (already translated in Django's catalogue) or ours, so a 422 speaks the caller's language like the services'
# errors do; any other type says "Enter a valid value." rather than English.
_SURROGATE = gettext_lazy("Contains an unpaired UTF-16 surrogate code point, which is not a character.")
_SCHEMA_MESSAGES: dict[str, str | StrPromise] = {
    "missing": forms.Field.default_error_messages["required"],
    "string_type": gettext_lazy("Enter text (a JSON string)."),
    "null_characters": validators.ProhibitNullCharactersValidator.message,
    "surrogates": _SURROGATE,  # ours (api.schemas.Text)
    "string_unicode": _SURROGATE,  # pydantic's, for the same text
    "decimal_parsing": forms.DecimalField.default_error_messages["invalid"],
    "decimal_type": forms.DecimalField.default_error_messages["invalid"],
    "finite_number": forms.DecimalField.default_error_messages["invalid"],
    "int_parsing": forms.IntegerField.default_error_messages["invalid"],
    "int_type": forms.IntegerField.default_error_messages["invalid"],
    "list_type": forms.MultipleChoiceField.default_error_messages["invalid_list"],
    "uuid_parsing": forms.UUIDField.default_error_messages["invalid"],
    "uuid_type": forms.UUIDField.default_error_messages["invalid"],
}
# Where the error's location starts with the parameter's source, and the body's parameter name (every operation
# names it `payload`): neither is a field the caller sent.
_SOURCES = frozenset({"body", "query", "path", "form", "file", "header", "cookie"})


def _schema_message(error: Any) -> str:
    kind, context = error.get("type", ""), error.get("ctx", {})
    # ninja drops the input from the errors, so these say the rule without the value given.
    if kind == "string_too_long":
        return _("Ensure this value has at most %(limit_value)d characters.") % {"limit_value": context["max_length"]}
    if kind == "literal_error":  # expected: "'a', 'b' or 'c'"
        return _("One of: %(choices)s.") % {"choices": context["expected"].replace(" or ", ", ")}
    return str(_SCHEMA_MESSAGES.get(kind, validators.RegexValidator.message))


@api.exception_handler(NinjaValidationError)
def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ())]
        if loc[:1] and loc[0] in _SOURCES:
            loc = loc[1:]
        if loc[:1] == ["payload"]:
            loc = loc[1:]
        errors.setdefault(".".join(loc) or "__all__", []).append(_schema_message(error))
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


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja's own refusals, in English there: a body it cannot parse (400) and a session call without its CSRF
    token (403)."""
    messages = {
        400: _("The request body must be a JSON object."),
        403: _("CSRF verification failed: send the CSRF token with the session's request, or use a bearer token."),
    }
    own = type(exc) is HttpError  # not a subclass (throttling) that says more itself
    detail = messages.get(exc.status_code) if own else None
    return api.create_response(request, {"detail": detail or str(exc)}, status=exc.status_code)


# Django answers these with its HTML 400 page; an API caller gets JSON that says what is wrong with the body.
@api.exception_handler(RequestDataTooBig)
def on_body_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    detail = _("The request body is larger than the %(limit)d bytes accepted.") % {"limit": limit}
    return api.create_response(request, {"detail": detail}, status=413)


@api.exception_handler(MultiPartParserError)
def on_bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    return api.create_response(request, {"detail": _("The request body is not valid multipart/form-data.")}, status=400)
