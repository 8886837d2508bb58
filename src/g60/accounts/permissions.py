"""The one permission helper. Every view, selector and API handler asks it; nothing else decides access.

Access is denied by default. An action is allowed when the user holds a membership whose role is listed for the
action and, for actions done *in* a city, whose city is that city (a membership without a city, held by
corridor-wide analysts and administrators, covers every city). Superusers count as corridor-wide administrators,
which is not the same as holding every role: an administrator does not examine registrations.

The table RULES below is the whole policy; `tests/accounts/test_permission_matrix.py` walks it role × city.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from g60.accounts.models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from g60.accounts.models import User
    from g60.regions.models import City

    AnyUser = User | AnonymousUser


class Action(StrEnum):
    """Everything a user can be allowed to do. Apps add their actions here so the policy stays in one table."""

    WORKSPACE_VIEW = "workspace.view"
    AUDIT_VIEW = "audit.view"
    MEMBERSHIP_MANAGE = "membership.manage"
    APPLICATION_CREATE = "application.create"
    APPLICATION_ACCEPT = "application.accept"
    APPLICATION_EXAMINE = "application.examine"
    LICENCE_HANDOVER = "licence.handover"
    LICENCE_REVOKE = "licence.revoke"
    IPCASE_FILE = "ipcase.file"
    IPCASE_HANDLE = "ipcase.handle"
    ENTERPRISE_IMPORT = "enterprise.import"
    ENTERPRISE_EXPORT = "enterprise.export"
    ENTERPRISE_VIEW_PERSONAL = "enterprise.view_personal"
    ENTERPRISE_ARCHIVE = "enterprise.archive"
    INSIGHTS_MANAGE = "insights.manage"
    SIGNING_KEY_ROTATE = "signing_key.rotate"


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    # True when the action is done in a particular city and the membership's city must match it.
    in_city: bool


def _rule(*roles: Role, in_city: bool) -> Rule:
    return Rule(roles=frozenset(roles), in_city=in_city)


_OFFICIALS = (Role.CLERK, Role.EXAMINER, Role.IP_OFFICER, Role.ANALYST, Role.ADMIN)

RULES: dict[Action, Rule] = {
    Action.WORKSPACE_VIEW: _rule(Role.APPLICANT, *_OFFICIALS, in_city=False),
    Action.AUDIT_VIEW: _rule(Role.ADMIN, in_city=False),
    Action.MEMBERSHIP_MANAGE: _rule(Role.ADMIN, in_city=True),
    Action.APPLICATION_CREATE: _rule(Role.APPLICANT, in_city=False),
    Action.APPLICATION_ACCEPT: _rule(Role.CLERK, in_city=True),
    Action.APPLICATION_EXAMINE: _rule(Role.EXAMINER, in_city=True),
    Action.LICENCE_HANDOVER: _rule(Role.CLERK, in_city=True),
    Action.LICENCE_REVOKE: _rule(Role.EXAMINER, in_city=True),
    Action.IPCASE_FILE: _rule(Role.APPLICANT, Role.IP_OFFICER, in_city=False),
    Action.IPCASE_HANDLE: _rule(Role.IP_OFFICER, in_city=True),
    Action.ENTERPRISE_IMPORT: _rule(Role.ANALYST, Role.ADMIN, in_city=False),
    Action.ENTERPRISE_EXPORT: _rule(*_OFFICIALS, in_city=False),
    Action.ENTERPRISE_VIEW_PERSONAL: _rule(Role.CLERK, Role.EXAMINER, Role.IP_OFFICER, Role.ADMIN, in_city=True),
    # Taking an enterprise off the public register (and back) is the registering city's examiners' decision.
    Action.ENTERPRISE_ARCHIVE: _rule(Role.EXAMINER, Role.ADMIN, in_city=True),
    Action.INSIGHTS_MANAGE: _rule(Role.ANALYST, Role.ADMIN, in_city=False),
    Action.SIGNING_KEY_ROTATE: _rule(Role.ADMIN, in_city=True),
}


@dataclass(frozen=True)
class Grant:
    role: str
    city_id: str | None


def _grants(user: AnyUser) -> tuple[Grant, ...]:
    """The user's memberships, read once per user object (a request) and cached on it."""
    if not user.is_authenticated or not user.is_active:
        return ()
    cached: tuple[Grant, ...] | None = getattr(user, "_g60_grants", None)
    if cached is None:
        rows = user.memberships.values_list("role", "city_id")
        grants = [Grant(role=role, city_id=city_id) for role, city_id in rows]
        if user.is_superuser:
            grants.append(Grant(role=Role.ADMIN, city_id=None))
        cached = tuple(grants)
        setattr(user, "_g60_grants", cached)  # noqa: B010 - a per-request cache on the user object
    return cached


def forget_grants(user: Any) -> None:
    """Drop the cached memberships after they change (services call this)."""
    if hasattr(user, "_g60_grants"):
        del user._g60_grants


def _city_code(city: City | str | None) -> str | None:
    if city is None or isinstance(city, str):
        return city
    return city.code


def can(user: AnyUser, action: Action, city: City | str | None = None) -> bool:
    """May `user` do `action` (in `city`)?

    For an action done in a city, passing no city asks "in at least one city?", which is what navigation and
    list pages need; the list itself is then narrowed with `city_scope`.
    """
    rule = RULES[action]
    code = _city_code(city)
    for grant in _grants(user):
        if grant.role not in rule.roles:
            continue
        if not rule.in_city or grant.city_id is None or code is None or grant.city_id == code:
            return True
    return False


def require(user: AnyUser, action: Action, city: City | str | None = None) -> None:
    """Raise PermissionDenied unless `can(user, action, city)`."""
    if not can(user, action, city):
        raise PermissionDenied(action.value)


@dataclass(frozen=True)
class CityScope:
    """The cities in which a user may do an action: all of them, or a set of division codes (maybe none)."""

    everywhere: bool
    codes: frozenset[str]

    def __contains__(self, city: object) -> bool:
        code = _city_code(city)  # type: ignore[arg-type]
        return self.everywhere or code in self.codes

    def q(self, field: str) -> Q:
        """A filter for a queryset whose `field` holds a city's division code."""
        if self.everywhere:
            return Q()
        if not self.codes:
            return Q(pk__in=[])
        return Q(**{f"{field}__in": sorted(self.codes)})

    def filter(self, queryset: QuerySet[Any], field: str) -> QuerySet[Any]:
        return queryset.filter(self.q(field))


def city_scope(user: AnyUser, action: Action) -> CityScope:
    """Where `user` may do `action`. Selectors narrow their querysets with this."""
    rule = RULES[action]
    codes: set[str] = set()
    for grant in _grants(user):
        if grant.role not in rule.roles:
            continue
        if not rule.in_city or grant.city_id is None:
            return CityScope(everywhere=True, codes=frozenset())
        codes.add(grant.city_id)
    return CityScope(everywhere=False, codes=frozenset(codes))


def roles_of(user: AnyUser) -> frozenset[str]:
    return frozenset(grant.role for grant in _grants(user))
