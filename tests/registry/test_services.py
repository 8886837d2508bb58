import pytest
from django.core.exceptions import ValidationError

from g60.audit.models import AuditEvent
from g60.registry.models import EnterpriseChange
from g60.registry.services import enterprise_archive, enterprise_unarchive, enterprise_update
from tests.registry.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_rename_keeps_the_former_name_and_history(make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user()
    enterprise = EnterpriseFactory(name="苏州旧名科技有限公司")
    enterprise_update(acting_user=user, enterprise=enterprise, name="苏州新名科技有限公司")
    enterprise.refresh_from_db()
    assert enterprise.name == "苏州新名科技有限公司"
    assert list(enterprise.former_names.values_list("name", flat=True)) == ["苏州旧名科技有限公司"]
    change = EnterpriseChange.objects.get(enterprise=enterprise)
    assert (change.actor, change.before, change.after) == (
        user,
        {"name": "苏州旧名科技有限公司"},
        {"name": "苏州新名科技有限公司"},
    )
    assert AuditEvent.objects.filter(action="enterprise.update").count() == 1


def test_same_values_write_nothing() -> None:
    enterprise = EnterpriseFactory()
    enterprise_update(acting_user=None, enterprise=enterprise, name=enterprise.name)
    assert not EnterpriseChange.objects.exists()


def test_bad_values_are_refused_by_field() -> None:
    enterprise = EnterpriseFactory()
    with pytest.raises(ValidationError) as caught:
        enterprise_update(acting_user=None, enterprise=enterprise, industry_code="C9999")
    assert "industry_code" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        enterprise_update(acting_user=None, enterprise=enterprise, uscc="91320500MA1XLH608E")
    assert "uscc" in caught.value.message_dict


def test_archive_and_unarchive() -> None:
    enterprise = EnterpriseFactory()
    with pytest.raises(ValidationError):
        enterprise_archive(acting_user=None, enterprise=enterprise, reason=" ")
    enterprise_archive(acting_user=None, enterprise=enterprise, reason="deregistered in 2024")
    enterprise.refresh_from_db()
    assert enterprise.archived and enterprise.archived_reason == "deregistered in 2024"
    with pytest.raises(ValidationError):
        enterprise_update(acting_user=None, enterprise=enterprise, name="x")
    enterprise_unarchive(acting_user=None, enterprise=enterprise)
    enterprise.refresh_from_db()
    assert not enterprise.archived
    assert list(EnterpriseChange.objects.values_list("action", flat=True)) == [
        "enterprise.unarchive",
        "enterprise.archive",
    ]
