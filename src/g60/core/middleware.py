import functools
import re
import uuid
from collections.abc import Callable

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from g60.core.request_context import request_id_var

# A caller (the proxy, a city's system) may pass its own id; accept only a short, plain token.
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Gives every request an id, echoed in the X-Request-ID response header and recorded by the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


# What a view's django-csp decorators leave on its response, and a template's use of the nonce on its request:
# either sends the answer through django-csp's own, general code.
_CSP_PER_VIEW = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)


@functools.cache
def _csp_header() -> str:
    return build_policy()


@receiver(setting_changed)
def _csp_setting_changed(*, setting: str, **kwargs: object) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _csp_header.cache_clear()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the header of every ordinary answer built once per process.

    The library builds the policy anew for each response (the settings' directives copied and joined, twice with
    the report-only policy): ≈ 0.09 ms a request, 7 % of an API detail look-up, the register's hottest request.
    An answer whose view changed the policy, or whose page used a nonce, goes through the library's code as it
    is; so does everything when DEBUG is on (the library leaves Django's debug pages alone) or a report-only
    policy or excluded URL prefixes are configured, which the platform does not use."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if (
            settings.DEBUG
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _CSP_PER_VIEW)
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or (getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}).get("EXCLUDE_URL_PREFIXES")
        ):
            return super().process_response(request, response)
        header = _csp_header()
        if header and HEADER not in response:
            response[HEADER] = header
        # As the library does: a nonce asked for after the header is written is an error, not a silent gap.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
