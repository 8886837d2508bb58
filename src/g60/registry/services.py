"""Writes to the enterprise register. Every write is validated in full and audited in its transaction."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from g60.accounts.models import User
from g60.accounts.permissions import Action, require
from g60.audit.services import audit_record
from g60.core.rows import row_insert
from g60.regions.models import City
from g60.registry.constants import EnterpriseSource, EnterpriseStatus
from g60.registry.models import Enterprise, EnterpriseChange, EnterpriseFormerName

# Fields recorded in the audit trail's before/after (the ID number is left out: personal data).
AUDITED_FIELDS = [
    "uscc",
    "name",
    "name_en",
    "type",
    "status",
    "city_id",
    "established_on",
    "registered_capital_wan",
    "legal_representative",
    "industry_code",
    "address",
    "business_scope",
]


def enterprise_snapshot(enterprise: Enterprise) -> dict[str, Any]:
    return {field: getattr(enterprise, field) for field in AUDITED_FIELDS}


# No savepoint when called inside a transaction (the licence issue's): an error rolls the whole issue back anyway,
# and a savepoint is two more statements inside the approval's locks.
@transaction.atomic(savepoint=False)
def enterprise_register(
    *,
    acting_user: User | None,
    uscc: str,
    name: str,
    type: str,
    city: City,
    established_on: dt.date,
    registered_capital_wan: Decimal,
    legal_representative: str,
    industry_code: str,
    address: str,
    business_scope: str = "",
    name_en: str = "",
    legal_representative_id_number: str = "",
    status: str = EnterpriseStatus.ACTIVE,
    source: str = EnterpriseSource.ONENETWORK,
    uscc_checked: bool = False,
) -> Enterprise:
    """Add one enterprise to the register (used by licence issue and by single-record entry).

    Raises ValidationError naming the field and rule for any bad value, and IntegrityError-free duplicates:
    a USCC already registered is reported on the `uscc` field. `uscc_checked`: the caller found the USCC free
    inside this same transaction (the licence issue's allocation), so it is not looked up a second time; the
    unique constraint still guards it.
    """
    enterprise = Enterprise(
        uscc=uscc,
        name=name,
        name_en=name_en,
        type=type,
        status=status,
        city=city,
        established_on=established_on,
        registered_capital_wan=registered_capital_wan,
        legal_representative=legal_representative,
        legal_representative_id_number=legal_representative_id_number,
        industry_code=industry_code,
        address=address,
        business_scope=business_scope,
        source=source,
        created_by=acting_user,
        modified_by=acting_user,
    )
    # The user and the city are rows this call was given, and the public id is new: checking that they exist
    # (or are unique) would cost four queries inside the caller's write transaction, for nothing.
    enterprise.full_clean(exclude=["created_by", "modified_by", "city", "public_id"], validate_unique=not uscc_checked)
    enterprise.save()
    after = enterprise_snapshot(enterprise)
    row_insert(
        EnterpriseChange(
            enterprise=enterprise, actor=_actor(acting_user), action="enterprise.register", after=_json(after)
        )
    )
    audit_record(actor=acting_user, action="enterprise.register", obj=enterprise, after=after)
    return enterprise


# Fields an update may change (the USCC is the key and never changes; the city follows the USCC's division).
UPDATABLE_FIELDS = [field for field in AUDITED_FIELDS if field not in ("uscc",)] + ["legal_representative_id_number"]


def _actor(user: User | None) -> User | None:
    return user if user is not None and user.is_authenticated else None


def _json(values: dict[str, Any]) -> dict[str, Any]:
    """Dates and decimals as text, for the history's JSON columns."""
    return {
        key: value if value is None or isinstance(value, str | int | bool) else str(value)
        for key, value in values.items()
    }


def _locked(enterprise: Enterprise) -> Enterprise:
    return Enterprise.objects.select_for_update().get(pk=enterprise.pk)


@transaction.atomic
def enterprise_update(*, acting_user: User | None, enterprise: Enterprise, **changes: Any) -> Enterprise:
    """Change some fields of an enterprise; a new name keeps the old one as a former name. Writes one history
    row and one audit event when something changed, nothing when the values are the same."""
    unknown = sorted(set(changes) - set(UPDATABLE_FIELDS) - {"city"})
    if unknown:
        raise ValidationError({unknown[0]: [_("This field cannot be changed.")]})
    row = _locked(enterprise)
    if row.archived:
        raise ValidationError({"__all__": [_("An archived enterprise cannot be changed; unarchive it first.")]})
    before = enterprise_snapshot(row)
    old_name = row.name
    for field, value in changes.items():
        setattr(row, field, value)
    after = enterprise_snapshot(row)
    if before == after and "legal_representative_id_number" not in changes:
        return row
    row.modified_by = _actor(acting_user)
    row.full_clean()
    row.save()
    if row.name != old_name:
        EnterpriseFormerName.objects.create(enterprise=row, name=old_name, used_until=timezone.localdate())
    changed_before = {k: v for k, v in before.items() if after[k] != v}
    changed_after = {k: after[k] for k in changed_before}
    EnterpriseChange.objects.create(
        enterprise=row,
        actor=_actor(acting_user),
        action="enterprise.update",
        before=_json(changed_before),
        after=_json(changed_after),
    )
    audit_record(actor=acting_user, action="enterprise.update", obj=row, before=changed_before, after=changed_after)
    return row


@transaction.atomic
def enterprise_archive(*, acting_user: User | None, enterprise: Enterprise, reason: str) -> Enterprise:
    """Take an enterprise off the public register (never deleted: history and references stay)."""
    row = _locked(enterprise)
    if acting_user is not None:  # None: the system itself (imports, the one-network workflow)
        require(acting_user, Action.ENTERPRISE_ARCHIVE, row.city_id)
    if row.archived:
        raise ValidationError({"__all__": [_("The enterprise is already archived.")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the enterprise is archived.")]})
    row.archived = True
    row.archived_on = timezone.now()
    row.archived_by = _actor(acting_user)
    row.archived_reason = reason.strip()
    row.modified_by = _actor(acting_user)
    row.save()
    change = {"archived": True, "archived_reason": row.archived_reason}
    EnterpriseChange.objects.create(
        enterprise=row, actor=_actor(acting_user), action="enterprise.archive", before={"archived": False}, after=change
    )
    audit_record(actor=acting_user, action="enterprise.archive", obj=row, before={"archived": False}, after=change)
    return row


@transaction.atomic
def enterprise_unarchive(*, acting_user: User | None, enterprise: Enterprise) -> Enterprise:
    """Put an archived enterprise back on the public register."""
    row = _locked(enterprise)
    if acting_user is not None:
        require(acting_user, Action.ENTERPRISE_ARCHIVE, row.city_id)
    if not row.archived:
        raise ValidationError({"__all__": [_("The enterprise is not archived.")]})
    before = {"archived": True, "archived_reason": row.archived_reason}
    row.archived = False
    row.archived_on = None
    row.archived_by = None
    row.archived_reason = ""
    row.modified_by = _actor(acting_user)
    row.save()
    EnterpriseChange.objects.create(
        enterprise=row,
        actor=_actor(acting_user),
        action="enterprise.unarchive",
        before=before,
        after={"archived": False},
    )
    audit_record(actor=acting_user, action="enterprise.unarchive", obj=row, before=before, after={"archived": False})
    return row
