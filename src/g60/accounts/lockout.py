"""Password guessing locked out, with django-axes (its settings: settings.py, Accounts).

Axes counts failed logins per username and client address and refuses a locked-out pair before any password is
checked, on the platform's login and the admin's alike. This module gives it the client's address, the page a
locked-out visitor reads, and the lockout's audit event. The page is the same whether or not the username names
an account: axes counts failures for unknown usernames too.
"""

import ipaddress
import math
from datetime import datetime, timedelta
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Max
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from g60.accounts.services import login_lockout_record


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address failed logins are counted for (AXES_CLIENT_IP_CALLABLE): the connection's peer, REMOTE_ADDR.
    Behind the platform's reverse proxy (BEHIND_PROXY) the peer is the proxy, and the client is the address the
    proxy put last in X-Forwarded-For: entries before it are whatever the client sent, forgeable to dodge the count.
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        address = _address(forwarded.rsplit(",", 1)[-1]) if forwarded else None
        if address is not None:
            return address
    return _address(request.META.get("REMOTE_ADDR", ""))


def _locked_until(request: HttpRequest, credentials: dict[str, Any] | None) -> datetime:
    """When the lockout ends: the cool-off after the last failure counted, rounded up to the minute shown."""
    cool_off: timedelta = get_cool_off(request)
    attempts = AxesProxyHandler.get_implementation().get_user_attempts(request, credentials)
    latest = [t for qs in attempts if (t := qs.aggregate(latest=Max("attempt_time"))["latest"]) is not None]
    until = max(latest, default=timezone.now()) + cool_off
    if until.second or until.microsecond:
        until = until.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return until


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    """The answer to a login refused for lockout (AXES_LOCKOUT_CALLABLE): 429 with the time to try again."""
    until = _locked_until(request, credentials)
    response = render(request, "accounts/locked_out.html", {"until": until}, status=429)
    response["Retry-After"] = str(max(1, math.ceil((until - timezone.now()).total_seconds())))
    return response


@receiver(user_locked_out, dispatch_uid="g60.accounts.lockout.audited")
def lockout_audited(
    sender: Any, request: HttpRequest, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    """The failure that locks a pair out is audited; the attempts refused during the lockout are not counted by
    axes (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT off), carry no count and are not audited one by one."""
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None:
        return
    credentials = getattr(request, "axes_credentials", None)
    login_lockout_record(
        username=username or "",
        ip_address=ip_address,
        failures=failures,
        locked_until=_locked_until(request, credentials),
    )
