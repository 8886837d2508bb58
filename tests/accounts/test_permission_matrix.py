"""The permission helper, role × city × action. The expected policy is written out here on purpose: changing
who may do what must change this table too, in the same review."""

import itertools

import pytest

from g60.accounts.models import Role
from g60.accounts.permissions import Action, can, city_scope, require
from tests.accounts.factories import MembershipFactory, UserFactory

A, C, E, P, N, D = Role.APPLICANT, Role.CLERK, Role.EXAMINER, Role.IP_OFFICER, Role.ANALYST, Role.ADMIN

# action: (roles allowed, done in a particular city?)
EXPECTED: dict[str, tuple[set[Role], bool]] = {
    "workspace.view": ({A, C, E, P, N, D}, False),
    "audit.view": ({D}, False),
    "membership.manage": ({D}, True),
    "application.create": ({A}, False),
    "application.accept": ({C}, True),
    "application.examine": ({E}, True),
    "licence.handover": ({C}, True),
    "licence.revoke": ({E}, True),
    "ipcase.file": ({A, P}, False),
    "ipcase.handle": ({P}, True),
    "enterprise.import": ({N, D}, False),
    "enterprise.export": ({C, E, P, N, D}, False),
    "enterprise.view_personal": ({C, E, P, D}, True),
    "enterprise.archive": ({E, D}, True),
    "insights.manage": ({N, D}, False),
    "signing_key.rotate": ({D}, True),
}

HOME = "330400"  # Jiaxing: the city the membership is held for
OTHER = "310117"  # Songjiang
TARGETS = [HOME, OTHER, None]


def test_every_action_is_in_the_expected_policy() -> None:
    assert {a.value for a in Action} == set(EXPECTED)


def _holder(role: Role, city_code: str | None):  # type: ignore[no-untyped-def]
    from g60.regions.models import City

    user = UserFactory()
    MembershipFactory(user=user, role=role, city=City.objects.get(code=city_code) if city_code else None)
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_role_city_action_matrix(role: Role) -> None:
    # Applicants hold no city; every other role is tried as a Jiaxing membership.
    holder = _holder(role, None if role == Role.APPLICANT else HOME)
    for action, target in itertools.product(Action, TARGETS):
        roles, in_city = EXPECTED[action.value]
        expected = role in roles and (not in_city or target is None or target == HOME)
        assert can(holder, action, target) is expected, (role, action, target)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ANALYST, Role.ADMIN])
def test_corridor_wide_membership_covers_every_city(role: Role) -> None:
    holder = _holder(role, None)
    for action, target in itertools.product(Action, TARGETS):
        roles, _in_city = EXPECTED[action.value]
        assert can(holder, action, target) is (role in roles), (role, action, target)


@pytest.mark.django_db
def test_anonymous_and_inactive_users_may_do_nothing() -> None:
    from django.contrib.auth.models import AnonymousUser

    inactive = _holder(Role.CLERK, HOME)
    inactive.is_active = False
    inactive.save()
    for action, target in itertools.product(Action, TARGETS):
        assert not can(AnonymousUser(), action, target)
        assert not can(inactive, action, target)


@pytest.mark.django_db
def test_superuser_is_a_corridor_admin_not_every_role() -> None:
    root = UserFactory(is_superuser=True)
    assert can(root, Action.AUDIT_VIEW)
    assert can(root, Action.MEMBERSHIP_MANAGE, OTHER)
    assert not can(root, Action.APPLICATION_EXAMINE, HOME)
    assert not can(root, Action.APPLICATION_ACCEPT, HOME)


@pytest.mark.django_db
def test_city_scope_lists_exactly_the_cities_of_the_memberships() -> None:
    clerk = _holder(Role.CLERK, HOME)
    MembershipFactory(user=clerk, role=Role.EXAMINER, city_id=OTHER)
    accept = city_scope(clerk, Action.APPLICATION_ACCEPT)
    assert not accept.everywhere and accept.codes == {HOME}
    assert HOME in accept and OTHER not in accept
    examine = city_scope(clerk, Action.APPLICATION_EXAMINE)
    assert examine.codes == {OTHER}
    assert city_scope(clerk, Action.IPCASE_HANDLE).codes == frozenset()
    assert city_scope(_holder(Role.ANALYST, None), Action.ENTERPRISE_IMPORT).everywhere


@pytest.mark.django_db
def test_require_raises_permission_denied() -> None:
    from django.core.exceptions import PermissionDenied

    clerk = _holder(Role.CLERK, HOME)
    require(clerk, Action.APPLICATION_ACCEPT, HOME)
    with pytest.raises(PermissionDenied):
        require(clerk, Action.APPLICATION_ACCEPT, OTHER)
