"""Reads of the one network, always scoped to the user through the one permission helper: applicants see
their own applications, clerks those whose window is their city, examiners those domiciled in their city.
Anything outside that answers 404, the same as something that does not exist."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from g60.accounts.permissions import Action, city_scope
from g60.onenetwork.constants import ApplicationState as S
from g60.onenetwork.models import Application, Licence

OFFICIAL_STATES = [s for s in S.values if s != S.DRAFT]


def application_visible_q(user: Any) -> Q:
    if not user.is_authenticated:
        return Q(pk__in=[])
    window = city_scope(user, Action.APPLICATION_ACCEPT)
    domicile = city_scope(user, Action.APPLICATION_EXAMINE)
    q = Q(applicant_id=user.pk)
    if window.everywhere or window.codes:
        q |= window.q("window_city_id") & Q(state__in=OFFICIAL_STATES)
    if domicile.everywhere or domicile.codes:
        q |= domicile.q("domicile_city_id") & Q(state__in=OFFICIAL_STATES)
    return q


def _base() -> QuerySet[Application]:
    return Application.objects.select_related("applicant", "domicile_city", "window_city")


def application_get(*, user: Any, public_id: Any) -> Application:
    """The application if the user may see it; 404 otherwise (also for a malformed id)."""
    try:
        return _base().filter(application_visible_q(user)).get(public_id=public_id)
    except (Application.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        # A malformed id (ValidationError from the UUID field) is "not found" too.
        raise Http404 from exc


def application_list_mine(*, user: Any) -> QuerySet[Application]:
    return _base().filter(applicant_id=user.pk)


def application_list_visible(*, user: Any) -> QuerySet[Application]:
    return _base().filter(application_visible_q(user))


def acceptance_queue(*, user: Any) -> QuerySet[Application]:
    """Submitted applications waiting at the user's window city, oldest deadline first."""
    scope = city_scope(user, Action.APPLICATION_ACCEPT)
    return scope.filter(_base().filter(state=S.SUBMITTED), "window_city_id").order_by("acceptance_due", "submitted_at")


def examination_queue(*, user: Any) -> QuerySet[Application]:
    """Accepted applications domiciled in the user's city, waiting for or under examination."""
    scope = city_scope(user, Action.APPLICATION_EXAMINE)
    return scope.filter(_base().filter(state__in=[S.ACCEPTED, S.UNDER_EXAMINATION]), "domicile_city_id").order_by(
        "examination_due", "accepted_at"
    )


def is_overdue(application: Application, today: dt.date | None = None) -> bool:
    """Past its time limit: acceptance for a submitted application, examination for an accepted one."""
    today = today or timezone.localdate()
    if application.state == S.SUBMITTED and application.acceptance_due:
        return application.acceptance_due < today
    if application.state in (S.ACCEPTED, S.UNDER_EXAMINATION) and application.examination_due:
        return application.examination_due < today
    return False


def with_overdue(applications: QuerySet[Application], today: dt.date | None = None) -> list[Application]:
    rows = list(applications)
    for application in rows:
        application.overdue = is_overdue(application, today)  # type: ignore[attr-defined]
    return rows


def handover_list(*, user: Any) -> QuerySet[Licence]:
    """Issued licences of the user's window city not yet handed over (revoked ones are left out)."""
    scope = city_scope(user, Action.LICENCE_HANDOVER)
    queryset = Licence.objects.select_related("application", "enterprise", "authority").filter(
        handed_over_at__isnull=True, revoked_at__isnull=True
    )
    return scope.filter(queryset, "application__window_city_id").order_by("issued_at")


def licence_get(*, user: Any, public_id: Any) -> Licence:
    """A licence whose application the user may see (applicant, window clerk, domicile examiner)."""
    application_ids = Application.objects.filter(application_visible_q(user)).values("pk")
    try:
        return Licence.objects.select_related("application", "enterprise", "authority").get(
            public_id=public_id, application_id__in=application_ids
        )
    except (Licence.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc
