"""Writes to the enterprise register. Every write is validated in full and audited in its transaction."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from g60.accounts.models import User
from g60.audit.services import audit_record
from g60.regions.models import City
from g60.registry.constants import EnterpriseSource, EnterpriseStatus
from g60.registry.models import Enterprise

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


@transaction.atomic
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
) -> Enterprise:
    """Add one enterprise to the register (used by licence issue and by single-record entry).

    Raises ValidationError naming the field and rule for any bad value, and IntegrityError-free duplicates:
    a USCC already registered is reported on the `uscc` field.
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
    enterprise.full_clean()
    enterprise.save()
    audit_record(actor=acting_user, action="enterprise.register", obj=enterprise, after=enterprise_snapshot(enterprise))
    return enterprise
