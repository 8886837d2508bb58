"""The navigation bar: each entry names the rule that decides who sees it, so every role sees its own work."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from g60.accounts.permissions import Action, can
from g60.core.access import AUTHENTICATED, PUBLIC, AccessRule

if TYPE_CHECKING:
    from g60.accounts.permissions import AnyUser


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    rule: AccessRule


NAV: list[NavEntry] = [
    NavEntry(_("Home"), "core:home", PUBLIC),
    NavEntry(_("Cities"), "core:cities", PUBLIC),
    NavEntry(_("Enterprise register"), "registry:search", PUBLIC),
    NavEntry(_("Import enterprises"), "registry:import", Action.ENTERPRISE_IMPORT),
    NavEntry(_("My workspace"), "core:dashboard", AUTHENTICATED),
    NavEntry(_("My applications"), "onenetwork:application_list", Action.APPLICATION_CREATE),
    NavEntry(_("Acceptance queue"), "onenetwork:acceptance_queue", Action.APPLICATION_ACCEPT),
    NavEntry(_("Licences to hand over"), "onenetwork:handover_list", Action.LICENCE_HANDOVER),
    NavEntry(_("Examination queue"), "onenetwork:examination_queue", Action.APPLICATION_EXAMINE),
    NavEntry(_("Verify a licence"), "onenetwork:verify", PUBLIC),
    NavEntry(_("Audit trail"), "audit:events", Action.AUDIT_VIEW),
    NavEntry(_("API"), "api:openapi-view", PUBLIC),
]


def visible(user: AnyUser, rule: AccessRule) -> bool:
    if rule == PUBLIC:
        return True
    if rule == AUTHENTICATED:
        return bool(user.is_authenticated)
    return isinstance(rule, Action) and can(user, rule)


def nav_for(request: HttpRequest, user: AnyUser) -> list[dict[str, object]]:
    entries: list[dict[str, object]] = []
    for entry in NAV:
        if not visible(user, entry.rule):
            continue
        url = reverse(entry.url_name)
        current = request.path == url if url == "/" else request.path.startswith(url)
        entries.append({"label": entry.label, "url": url, "current": current})
    return entries
