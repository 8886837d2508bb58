"""Writes to users and memberships. Each is audited in the same transaction."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from g60.accounts.models import CITY_ROLES, Membership, Role, User
from g60.accounts.permissions import Action, forget_grants, require
from g60.audit.services import audit_record
from g60.regions.models import City


@transaction.atomic
def user_create(
    *,
    acting_user: User | None,
    username: str,
    password: str,
    email: str = "",
    display_name: str = "",
    is_superuser: bool = False,
) -> User:
    """Create a user. `acting_user` None means the system (demo loader, first administrator)."""
    user = User(
        username=username,
        email=email,
        display_name=display_name,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(
        actor=acting_user,
        action="user.create",
        obj=user,
        after={"username": username, "email": email, "is_superuser": is_superuser},
    )
    return user


def _check_membership(role: str, city: City | None) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if role in CITY_ROLES and city is None:
        raise ValidationError({"city": _("This role is held for a city; choose one.")})
    if role == Role.APPLICANT and city is not None:
        raise ValidationError({"city": _("Applicants are not attached to a city.")})


@transaction.atomic
def membership_grant(*, acting_user: User | None, user: User, role: str, city: City | None) -> Membership:
    """Give `user` the `role` for `city`. Idempotent: granting a held membership changes nothing."""
    if acting_user is not None:
        require(acting_user, Action.MEMBERSHIP_MANAGE, city)
    _check_membership(role, city)
    existing = Membership.objects.filter(user=user, role=role, city=city).first()
    if existing is not None:
        return existing
    membership = Membership.objects.create(user=user, role=role, city=city)
    audit_record(
        actor=acting_user,
        action="membership.grant",
        obj=membership,
        after={"user": user.username, "role": role, "city": city.code if city else None},
    )
    transaction.on_commit(lambda: forget_grants(user))
    forget_grants(user)
    return membership


@transaction.atomic
def membership_revoke(*, acting_user: User, membership: Membership) -> None:
    require(acting_user, Action.MEMBERSHIP_MANAGE, membership.city_id)
    locked = Membership.objects.select_for_update().filter(pk=membership.pk).first()
    if locked is None:
        return
    before: dict[str, Any] = {"user": locked.user.username, "role": locked.role, "city": locked.city_id}
    audit_record(actor=acting_user, action="membership.revoke", obj=locked, before=before)
    locked.delete()
    forget_grants(locked.user)


@transaction.atomic
def login_lockout_record(*, username: str, ip_address: str | None, failures: int, locked_until: datetime) -> None:
    """Audit a lockout for password guessing (g60.accounts.lockout): `username` as typed, which may name no account,
    locked out from `ip_address` after `failures` failed logins until `locked_until`. The system is the actor, the
    password is never recorded."""
    audit_record(
        actor=None,
        action="auth.lockout",
        object_type="auth.login",
        object_repr=username,
        after={"username": username, "ip_address": ip_address, "failures": failures, "locked_until": locked_until},
    )
