"""Walk every URL of the site and check its access rule against the map below (deny by default).

A new URL without an entry here fails `test_every_url_is_in_the_access_map`; a view whose declared rule differs
from the map fails `test_views_declare_the_mapped_rule`; the behaviour tests then prove each rule holds.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from g60.accounts.models import Role
from g60.accounts.permissions import RULES, Action
from g60.core.access import AUTHENTICATED, PUBLIC

ACCESS_MAP: dict[str, Any] = {
    "core:home": PUBLIC,
    "core:cities": PUBLIC,
    "core:health": PUBLIC,
    "core:dashboard": AUTHENTICATED,
    "accounts:login": PUBLIC,
    "accounts:logout": AUTHENTICATED,
    "accounts:password_change": AUTHENTICATED,
    "accounts:password_change_done": AUTHENTICATED,
    "accounts:profile": AUTHENTICATED,
    "audit:events": Action.AUDIT_VIEW,
    "set_language": PUBLIC,
    "onenetwork:application_list": Action.APPLICATION_CREATE,
    "onenetwork:application_new": Action.APPLICATION_CREATE,
    "onenetwork:name_check": Action.APPLICATION_CREATE,
    "onenetwork:shareholder_row": Action.APPLICATION_CREATE,
    "onenetwork:application_detail": AUTHENTICATED,
    "onenetwork:step_company": Action.APPLICATION_CREATE,
    "onenetwork:step_people": Action.APPLICATION_CREATE,
    "onenetwork:step_documents": Action.APPLICATION_CREATE,
    "onenetwork:document_remove": Action.APPLICATION_CREATE,
    "onenetwork:step_review": Action.APPLICATION_CREATE,
    "onenetwork:application_action": AUTHENTICATED,
    "onenetwork:acceptance_queue": Action.APPLICATION_ACCEPT,
    "onenetwork:handover_list": Action.LICENCE_HANDOVER,
    "onenetwork:examination_queue": Action.APPLICATION_EXAMINE,
    "onenetwork:licence_pdf": AUTHENTICATED,
    "onenetwork:licence_hand_over": Action.LICENCE_HANDOVER,
    "onenetwork:licence_revoke": Action.LICENCE_REVOKE,
    "onenetwork:verify": PUBLIC,
    "registry:search": PUBLIC,
    "registry:detail": PUBLIC,
    "registry:export": Action.ENTERPRISE_EXPORT,
    "registry:archive": Action.ENTERPRISE_ARCHIVE,
    "registry:import": Action.ENTERPRISE_IMPORT,
    "registry:import_job": Action.ENTERPRISE_IMPORT,
    "registry:import_errors": Action.ENTERPRISE_IMPORT,
    "registry:import_resume": Action.ENTERPRISE_IMPORT,
}
# Sample arguments for URLs that take them, so every URL can be requested.
_SOME_ID = {"public_id": "00000000-0000-4000-8000-000000000000"}
URL_KWARGS: dict[str, dict[str, Any]] = {
    "onenetwork:application_detail": _SOME_ID,
    "onenetwork:step_company": _SOME_ID,
    "onenetwork:step_people": _SOME_ID,
    "onenetwork:step_documents": _SOME_ID,
    "onenetwork:document_remove": {**_SOME_ID, "document_id": 1},
    "onenetwork:step_review": _SOME_ID,
    "onenetwork:application_action": {**_SOME_ID, "step": "accept"},
    "onenetwork:licence_pdf": _SOME_ID,
    "onenetwork:licence_hand_over": _SOME_ID,
    "onenetwork:licence_revoke": _SOME_ID,
    "registry:detail": {"uscc": "91320500MA1XLH608E"},
    "registry:archive": {"uscc": "91320500MA1XLH608E"},
    "registry:import_job": {"public_id": "00000000-0000-0000-0000-000000000000"},
    "registry:import_errors": {"public_id": "00000000-0000-0000-0000-000000000000"},
    "registry:import_resume": {"public_id": "00000000-0000-0000-0000-000000000000"},
}
# Namespaces with their own access machinery: Django's admin (staff login) and the API (per-operation auth,
# tested in tests/api/).
SELF_GUARDED_NAMESPACES = {"admin", "api"}
# What a plain GET answers when it is allowed: 200, except for views that act only on POST.
ALLOWED_GET_STATUS = {
    "accounts:logout": 405,
    "set_language": 302,
    # Pages of one application or licence: an id nobody may see answers 404; POST-only actions answer 405.
    "onenetwork:application_detail": 404,
    "onenetwork:step_company": 404,
    "onenetwork:step_people": 404,
    "onenetwork:step_documents": 404,
    "onenetwork:step_review": 404,
    "onenetwork:licence_pdf": 404,
    "onenetwork:document_remove": 405,
    "onenetwork:application_action": 405,
    "onenetwork:licence_hand_over": 405,
    "onenetwork:licence_revoke": 405,
    "registry:archive": 405,
    "registry:import_resume": 405,
    # No such enterprise or import job in an empty register.
    "registry:detail": 404,
    "registry:import_job": 404,
    "registry:import_errors": 404,
}


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, Any]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns in SELF_GUARDED_NAMESPACES:
                continue
            yield from _walk(entry.url_patterns, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern):
            if entry.name is None:
                raise AssertionError(f"unnamed URL {entry.pattern}: every URL needs a name to be mapped")
            yield f"{namespace}{entry.name}", entry.callback


def site_urls() -> dict[str, Any]:
    return dict(_walk(get_resolver().url_patterns))


def test_every_url_is_in_the_access_map() -> None:
    assert set(site_urls()) == set(ACCESS_MAP)


@pytest.mark.parametrize("name", sorted(ACCESS_MAP))
def test_views_declare_the_mapped_rule(name: str) -> None:
    callback = site_urls()[name]
    assert getattr(callback, "g60_access", None) == ACCESS_MAP[name], name
    # Only public views are opened to anonymous visitors by the login-required middleware.
    assert getattr(callback, "login_required", True) is (ACCESS_MAP[name] != PUBLIC)


def _url(name: str) -> str:
    return reverse(name, kwargs=URL_KWARGS.get(name))


def _ok(status: int, name: str) -> bool:
    return status == ALLOWED_GET_STATUS.get(name, 200)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ACCESS_MAP))
def test_anonymous_access(name: str) -> None:
    response = Client().get(_url(name))
    if ACCESS_MAP[name] == PUBLIC:
        assert _ok(response.status_code, name), response.status_code
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login") + "?next=")


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(n for n, r in ACCESS_MAP.items() if r != PUBLIC))
def test_logged_in_access(name: str, make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    rule = ACCESS_MAP[name]
    without_role = client_for(make_user())
    status = without_role.get(_url(name)).status_code
    if rule == AUTHENTICATED:
        assert _ok(status, name), status
        return
    assert status == 403
    granted_role = sorted(RULES[rule].roles)[0]
    city = None if granted_role in (Role.APPLICANT, Role.ANALYST, Role.ADMIN) else "330400"
    allowed = client_for(make_user(granted_role, city))
    assert _ok(allowed.get(_url(name)).status_code, name)
