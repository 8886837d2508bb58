"""Password guessing is locked out (django-axes, g60.accounts.lockout): five failed logins for one username from one
address lock that pair out for the cool-off, even with the right password, on the platform's login and the admin's;
the lockout page answers 429 in the visitor's language, the same for an unknown username, and the lockout is
audited. Time travels by moving the recorded attempts back, not by sleeping."""

import json
import os
import re
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db.models import F
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone
from django.utils.dateformat import format as date_format

from g60.accounts.lockout import client_ip
from g60.accounts.models import User
from g60.audit.models import AuditEvent
from g60.audit.verify import audit_verify
from tests.accounts.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

WRONG = "wrong-password-g60"
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
ADDRESS = "10.0.0.1"


@pytest.fixture(autouse=True)
def axes_on(settings):  # type: ignore[no-untyped-def]
    """The lockout as configured in g60.settings (the suite's settings switch it off), without the proxy."""
    settings.AXES_ENABLED = True
    settings.BEHIND_PROXY = False
    settings.AXES_FAILURE_LIMIT = 5  # the defaults, whatever this machine's environment says
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    return settings


@pytest.fixture
def user() -> User:
    return UserFactory()


def _login(username: str, password: str, *, address: str = ADDRESS, path: str = LOGIN, **extra: str) -> HttpResponse:
    """One login attempt, from a new browser at `address`."""
    return Client(REMOTE_ADDR=address).post(path, {"username": username, "password": password}, **extra)


def _fail(username: str, times: int, **kwargs: str) -> list[HttpResponse]:
    return [_login(username, WRONG, **kwargs) for _ in range(times)]


def _logged_in(response: HttpResponse) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def _locked_out(response: HttpResponse) -> bool:
    return response.status_code == 429 and 'name="password"' not in response.content.decode()


def _travel(minutes: float) -> None:
    """Move every recorded failure `minutes` into the past."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes))


def test_four_failures_then_the_right_password_logs_in_and_starts_the_count_again(user: User) -> None:
    for response in _fail(user.username, 4):
        assert response.status_code == 200 and 'name="password"' in response.content.decode()
    assert AccessAttempt.objects.get(username=user.username).failures_since_start == 4
    assert _logged_in(_login(user.username, TEST_PASSWORD))
    assert not AccessAttempt.objects.filter(username=user.username).exists()
    # Four more failures are four, not eight: still no lockout.
    assert [r.status_code for r in _fail(user.username, 4)] == [200] * 4
    assert _logged_in(_login(user.username, TEST_PASSWORD))


@pytest.mark.parametrize(
    ("language", "html_lang", "texts"),
    [
        ("zh-hans", "zh-hans", ["账户暂时锁定", "登录失败次数过多", "请于 {until} 之后再试", "所在城市的平台管理员"]),
        (
            "en",
            "en",
            [
                "Account temporarily locked",
                "too many failed login attempts",
                "Try again after {until}.",
                "platform administrator of your city",
            ],
        ),
    ],
)
def test_five_failures_lock_out_even_the_right_password(
    user: User, language: str, html_lang: str, texts: list[str]
) -> None:
    responses = _fail(user.username, 5, HTTP_ACCEPT_LANGUAGE=language)
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    sixth = _login(user.username, TEST_PASSWORD, HTTP_ACCEPT_LANGUAGE=language)
    assert _locked_out(sixth) and not _logged_in(sixth)
    html = sixth.content.decode()
    assert f'<html lang="{html_lang}">' in html
    last_failure = AccessAttempt.objects.get(username=user.username).attempt_time
    until = last_failure + timedelta(minutes=15)
    until = until.replace(second=0, microsecond=0) + timedelta(minutes=1)  # rounded up to the minute shown
    shown = date_format(timezone.localtime(until), "Y-m-d H:i")
    for text in texts:
        assert text.format(until=shown) in html
    assert 14 * 60 < int(sixth["Retry-After"]) <= 16 * 60
    # The refused attempt with the right password was not counted: the lockout still ends 15 minutes after the 5th.
    assert AccessAttempt.objects.get(username=user.username).failures_since_start == 5


def test_another_address_with_the_same_username_is_not_locked_out(user: User) -> None:
    _fail(user.username, 5)
    assert _locked_out(_login(user.username, TEST_PASSWORD))
    assert _logged_in(_login(user.username, TEST_PASSWORD, address="10.0.0.2"))
    # … nor is another username from the locked-out address.
    other = UserFactory()
    assert _logged_in(_login(other.username, TEST_PASSWORD))


def _page(response: HttpResponse, username: str) -> str:
    """The page without what differs from one answer to the next: the CSRF token, the time to try again and the
    username the login form shows back as typed."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    html = re.sub(r'("X-CSRFToken": ")[^"]+', r"\1", html)
    return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d", "TIME", html).replace(username, "NAME")


def test_an_unknown_username_gets_the_same_answers(user: User) -> None:
    unknown = "no-such-user"
    assert not User.objects.filter(username=unknown).exists()
    known_answers = [*_fail(user.username, 5), _login(user.username, TEST_PASSWORD)]
    unknown_answers = [*_fail(unknown, 5), _login(unknown, TEST_PASSWORD)]
    assert [r.status_code for r in known_answers] == [r.status_code for r in unknown_answers] == [200] * 4 + [429] * 2
    for known, unknown_answer in zip(known_answers, unknown_answers, strict=True):
        assert _page(known, user.username) == _page(unknown_answer, unknown)
        assert ("Retry-After" in known) == ("Retry-After" in unknown_answer)


def test_the_lockout_ends_after_the_cool_off(user: User) -> None:
    _fail(user.username, 5)
    _travel(10)
    # An attempt during the lockout is refused and does not extend it.
    assert _locked_out(_login(user.username, TEST_PASSWORD))
    _travel(4)
    assert _locked_out(_login(user.username, TEST_PASSWORD))
    _travel(1.1)
    assert _logged_in(_login(user.username, TEST_PASSWORD))


def test_the_cool_off_comes_from_the_settings(user: User, axes_on) -> None:  # type: ignore[no-untyped-def]
    axes_on.AXES_FAILURE_LIMIT = 2
    axes_on.AXES_COOLOFF_TIME = timedelta(minutes=1)
    assert [r.status_code for r in _fail(user.username, 2)] == [200, 429]
    _travel(1.1)
    assert _logged_in(_login(user.username, TEST_PASSWORD))


def test_failures_spread_over_more_than_the_cool_off_do_not_add_up(user: User) -> None:
    _fail(user.username, 4)
    _travel(16)
    assert [r.status_code for r in _fail(user.username, 4)] == [200] * 4
    assert _logged_in(_login(user.username, TEST_PASSWORD))


def test_the_lockout_is_audited_with_its_username_and_address_and_no_password(user: User) -> None:
    _fail(user.username, 4)
    assert not AuditEvent.objects.filter(action__startswith="auth.").exists()
    _fail(user.username, 1)
    _login(user.username, TEST_PASSWORD)
    _fail(user.username, 2)  # refused during the lockout: not audited again
    event = AuditEvent.objects.get(action="auth.lockout")
    assert event.actor_id is None
    assert (event.object_type, event.object_repr) == ("auth.login", user.username)
    assert event.after["username"] == user.username
    assert event.after["ip_address"] == ADDRESS
    assert event.after["failures"] == 5
    assert event.after["locked_until"]
    recorded = json.dumps([event.object_repr, event.before, event.after])
    assert WRONG not in recorded and TEST_PASSWORD not in recorded
    assert audit_verify().ok


def test_an_unknown_username_is_audited_as_typed() -> None:
    _fail("nobody.here", 5)
    assert AuditEvent.objects.get(action="auth.lockout").after["username"] == "nobody.here"


def test_the_admin_login_is_locked_out_too() -> None:
    admin = UserFactory(is_staff=True, is_superuser=True)
    responses = _fail(admin.username, 5, path=ADMIN_LOGIN, HTTP_ACCEPT_LANGUAGE="en")
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    refused = _login(admin.username, TEST_PASSWORD, path=ADMIN_LOGIN, HTTP_ACCEPT_LANGUAGE="en")
    assert _locked_out(refused) and "Account temporarily locked" in refused.content.decode()
    # The same pair is locked out of the platform's login: one count for both doors.
    assert _locked_out(_login(admin.username, TEST_PASSWORD))


def test_failures_at_either_door_add_up(user: User) -> None:
    _fail(user.username, 3)
    _fail(user.username, 2, path=ADMIN_LOGIN)
    assert _locked_out(_login(user.username, TEST_PASSWORD))


def test_x_forwarded_for_is_ignored_unless_behind_the_proxy(user: User) -> None:
    for n in range(5):  # a forged header per attempt changes nothing: the count is the connection's address
        _login(user.username, WRONG, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert _locked_out(_login(user.username, TEST_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.77"))
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ADDRESS}


def test_behind_the_proxy_the_client_is_the_address_the_proxy_added(user: User, axes_on) -> None:  # type: ignore[no-untyped-def]
    axes_on.BEHIND_PROXY = True
    proxy = "10.0.0.9"
    for n in range(5):  # the client forges the start of the header; the proxy appends what it saw
        _login(user.username, WRONG, address=proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.5")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    assert _locked_out(_login(user.username, TEST_PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.5"))
    # Another client through the same proxy is not locked out.
    assert _logged_in(_login(user.username, TEST_PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.6"))


def test_the_client_address_is_checked(axes_on) -> None:  # type: ignore[no-untyped-def]
    factory = RequestFactory()
    forged = factory.post(LOGIN, REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert client_ip(forged) == "10.0.0.9"
    axes_on.BEHIND_PROXY = True
    assert client_ip(forged) == "203.0.113.5"
    assert client_ip(factory.post(LOGIN, REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="not an address")) == "10.0.0.9"
    assert client_ip(factory.post(LOGIN, REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="2001:db8::1 ")) == "2001:db8::1"
    assert client_ip(factory.post(LOGIN, REMOTE_ADDR="10.0.0.9")) == "10.0.0.9"


def test_an_administrator_lifts_the_lockout_with_the_reset_command(user: User) -> None:
    _fail(user.username, 5)
    assert _locked_out(_login(user.username, TEST_PASSWORD))
    out = StringIO()
    call_command("axes_reset_username", user.username, stdout=out)
    assert "1 attempts removed" in out.getvalue()
    assert _logged_in(_login(user.username, TEST_PASSWORD))


def test_the_reset_command_is_a_g60_command() -> None:
    g60 = Path(sys.executable).with_name("g60")
    done = subprocess.run(  # noqa: S603
        [str(g60), "axes-reset-username", "--help"],
        env={**{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}, "SECRET_KEY": "x" * 50},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "usage: g60 axes_reset_username" in done.stdout and "username" in done.stdout


def test_the_admin_lists_the_attempts_to_lift_them(user: User) -> None:
    _fail(user.username, 5)
    admin = Client()
    admin.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = admin.get("/admin/axes/accessattempt/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and user.username in page.content.decode() and ADDRESS in page.content.decode()


def test_the_lockout_is_configured_as_axes_asks() -> None:
    assert django_settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert django_settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert django_settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    assert django_settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert django_settings.AXES_RESET_ON_SUCCESS is True
