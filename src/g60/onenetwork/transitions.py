"""The application's states and allowed transitions, declared in one table. Every state change goes through
`services.py`, which looks the transition up here; nothing assigns `state` directly."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

from g60.accounts.permissions import Action
from g60.onenetwork.constants import ApplicationState as S


class Party(StrEnum):
    """Who performs a transition: the applicant, an official of the window city or of the domicile city."""

    APPLICANT = "applicant"
    WINDOW = "window"
    DOMICILE = "domicile"


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    action: Action
    party: Party
    reason_required: bool = False


def _t(name: str, sources: set[S], target: str, action: Action, party: Party, reason: bool = False) -> Transition:
    # sorted → a deterministic frozenset built from a plain list (no set literal order questions in reviews)
    return Transition(name, frozenset(sorted(sources)), target, action, party, reason)


_BEFORE_DECISION: set[S] = {S.DRAFT, S.SUBMITTED, S.RETURNED, S.ACCEPTED, S.UNDER_EXAMINATION}

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        _t("submit", {S.DRAFT, S.RETURNED}, S.SUBMITTED, Action.APPLICATION_CREATE, Party.APPLICANT),
        _t("accept", {S.SUBMITTED}, S.ACCEPTED, Action.APPLICATION_ACCEPT, Party.WINDOW),
        _t("return", {S.SUBMITTED}, S.RETURNED, Action.APPLICATION_ACCEPT, Party.WINDOW, reason=True),
        _t("start_examination", {S.ACCEPTED}, S.UNDER_EXAMINATION, Action.APPLICATION_EXAMINE, Party.DOMICILE),
        _t("approve", {S.UNDER_EXAMINATION}, S.APPROVED, Action.APPLICATION_EXAMINE, Party.DOMICILE),
        _t("issue_licence", {S.APPROVED}, S.LICENCE_ISSUED, Action.APPLICATION_EXAMINE, Party.DOMICILE),
        _t(
            "reject",
            {S.ACCEPTED, S.UNDER_EXAMINATION},
            S.REJECTED,
            Action.APPLICATION_EXAMINE,
            Party.DOMICILE,
            reason=True,
        ),
        _t("withdraw", _BEFORE_DECISION, S.WITHDRAWN, Action.APPLICATION_CREATE, Party.APPLICANT),
    ]
}

# The states in which the applicant may still change the application.
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})


class TransitionNotAllowed(Exception):
    """An action that the application's (or licence's) current state does not allow. The API answers 409."""

    def __init__(self, *, code: str, transition: str, state: str, message: str = "") -> None:
        self.code = code
        self.transition = transition
        self.state = state
        self.message = message or _("This step is not possible in the application's current state (%(state)s).") % {
            "state": S(state).label if state in S.values else state
        }
        super().__init__(self.message)


def transitions_from(state: str) -> list[Transition]:
    """The transitions possible from `state` (for showing actions)."""
    return [t for t in TRANSITIONS.values() if state in t.sources and t.name != "issue_licence"]
