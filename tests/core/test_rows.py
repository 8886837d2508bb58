"""row_insert / row_update store what Model.save() would store (auto_now, JSON, dates), on both databases."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.utils import timezone

from g60.audit.models import AuditEvent
from g60.core.rows import row_insert, row_update, rows_insert_statement
from g60.onenetwork.models import Application, ApplicationEvent
from tests.onenetwork.factories import JIAXING, ApplicantFactory

pytestmark = pytest.mark.django_db


def _fields(instance: object, names: list[str]) -> dict[str, object]:
    return {name: getattr(instance, name) for name in names}


def test_row_insert_stores_the_same_row_as_save() -> None:
    when = timezone.now().replace(microsecond=123456)
    values = {
        "occurred_at": when,
        "actor_username": "张三",
        "action": "test.insert",
        "object_type": "x",
        "object_id": "1",
        "object_repr": "对象",
        "before": {"amount": "12.50", "list": [1, "二"]},
        "after": None,
        "request_id": "r",
    }
    by_save = AuditEvent(seq=10_001, prev_hash="0" * 64, hash="a" * 64, **values)
    by_save.save()
    by_row = AuditEvent(seq=10_002, prev_hash="0" * 64, hash="b" * 64, **values)
    row_insert(by_row)
    assert by_row.pk is not None and by_row.pk != by_save.pk and not by_row._state.adding
    names = [*values, "seq"]
    stored_save = _fields(AuditEvent.objects.get(pk=by_save.pk), names)
    stored_row = _fields(AuditEvent.objects.get(pk=by_row.pk), names)
    assert stored_row == {**stored_save, "seq": 10_002}
    assert stored_row["occurred_at"] == when and stored_row["after"] is None


def test_rows_insert_statement_writes_several_rows_in_their_order() -> None:
    rows = [
        AuditEvent(
            seq=20_001 + i, prev_hash="0" * 64, hash=str(i) * 64, occurred_at=timezone.now(), action=f"test.many.{i}"
        )
        for i in range(3)
    ]
    sql, params, returning = rows_insert_statement(rows)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        keys = [row[0] for row in cursor.fetchall()] if returning else []
    stored = list(AuditEvent.objects.filter(action__startswith="test.many.").order_by("pk"))
    assert [event.seq for event in stored] == [20_001, 20_002, 20_003]
    assert [event.hash for event in stored] == ["0" * 64, "1" * 64, "2" * 64]
    assert returning or connection.vendor != "postgresql"
    if returning:  # PostgreSQL, and SQLite 3.35+ where Django uses RETURNING too
        assert keys == [event.pk for event in stored]


def test_row_insert_applies_defaults_and_foreign_keys() -> None:
    application = Application.objects.create(
        applicant=(user := ApplicantFactory()), created_by=user, modified_by=user, name="嘉兴星河信息技术有限公司"
    )
    event = ApplicationEvent(application=application, actor=user, actor_name="a", step="create", to_state="draft")
    row_insert(event)
    stored = ApplicationEvent.objects.get(pk=event.pk)
    assert stored.application_id == application.pk and stored.actor_id == user.pk
    assert abs(stored.occurred_at - timezone.now()) < dt.timedelta(minutes=1)


def test_row_update_writes_only_the_named_fields_and_auto_now() -> None:
    user = ApplicantFactory()
    application = Application.objects.create(applicant=user, created_by=user, modified_by=user, name="甲")
    before = Application.objects.get(pk=application.pk)
    # Another writer changed the name meanwhile: an update of other fields must not overwrite it.
    Application.objects.filter(pk=application.pk).update(name="乙")
    application.state = "submitted"
    application.domicile_city_id = JIAXING
    application.name = "丙"  # not among the fields named: not written
    with transaction.atomic():
        row_update(application, ["state", "domicile_city", "modified_on"])
    stored = Application.objects.get(pk=application.pk)
    assert (stored.state, stored.domicile_city_id, stored.name) == ("submitted", JIAXING, "乙")
    assert stored.modified_on > before.modified_on
    assert stored.modified_on == application.modified_on


def test_row_lock_reads_the_row_and_its_related_objects_like_get() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from g60.core.rows import row_lock

    user = ApplicantFactory()
    application = Application.objects.create(
        applicant=user, created_by=user, modified_by=user, name="嘉兴星河信息技术有限公司", domicile_city_id=JIAXING
    )
    expected = Application.objects.select_related("applicant", "domicile_city").get(pk=application.pk)
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            locked = row_lock(Application, application.pk, related=("applicant", "domicile_city"))
            # The related objects came with the row: reading them costs no query.
            assert locked.applicant.username == user.username
            assert locked.domicile_city is not None and locked.domicile_city.name_zh == "嘉兴市"
        assert len(queries) == 1
        if connection.features.has_select_for_update:
            assert "FOR UPDATE" in queries[0]["sql"]
        names = [f.attname for f in Application._meta.concrete_fields]
        assert _fields(locked, names) == _fields(expected, names)
        assert not locked._state.adding and locked._state.db == "default"
        with pytest.raises(Application.DoesNotExist):
            row_lock(Application, application.pk + 1000)


@pytest.mark.django_db(transaction=True)
def test_row_lock_refuses_to_run_outside_a_transaction() -> None:
    from django.db.transaction import TransactionManagementError

    from g60.core.rows import row_lock

    user = ApplicantFactory()
    application = Application.objects.create(applicant=user, created_by=user, modified_by=user, name="甲")
    with pytest.raises(TransactionManagementError):
        row_lock(Application, application.pk)


def test_row_get_reads_like_get_with_its_related_objects_and_constant_filters() -> None:
    import datetime as dt
    from decimal import Decimal

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from g60.core.rows import row_get
    from g60.registry.models import Enterprise
    from tests.registry.factories import EnterpriseFactory

    kept = EnterpriseFactory(registered_capital_wan=Decimal("1234.5000"), established_on=dt.date(2019, 2, 28))
    archived = EnterpriseFactory(archived=True)
    expected = Enterprise.objects.select_related("city").get(pk=kept.pk)
    with CaptureQueriesContext(connection) as queries:
        found = row_get(Enterprise, "uscc", kept.uscc, related=("city",), where=(("archived", False),))
        assert found.city.name_zh == "苏州市"  # came with the row
    assert len(queries) == 1
    names = [f.attname for f in Enterprise._meta.concrete_fields]
    assert _fields(found, names) == _fields(expected, names)
    # The columns' converters ran: the types are the model's, not the database's.
    assert isinstance(found.registered_capital_wan, Decimal) and found.established_on == dt.date(2019, 2, 28)
    assert not found._state.adding and found._state.db == "default"
    # The constant filter is part of the query; without it the archived row is found.
    with pytest.raises(Enterprise.DoesNotExist):
        row_get(Enterprise, "uscc", archived.uscc, related=("city",), where=(("archived", False),))
    assert row_get(Enterprise, "uscc", archived.uscc).pk == archived.pk
    # The value is prepared by the key's field as a lookup would: a primary key given as text.
    assert row_get(Enterprise, "pk", str(kept.pk)).uscc == kept.uscc
    with pytest.raises(Enterprise.DoesNotExist):
        row_get(Enterprise, "uscc", "nothing-like-this")


def _with_name_length(queryset):  # type: ignore[no-untyped-def]
    from django.db.models.functions import Length, Lower

    return queryset.annotate(name_length=Length("name"), lower_uscc=Lower("uscc"))


def test_row_get_sets_a_shapes_annotations_like_annotate() -> None:
    from g60.core.rows import row_get
    from g60.registry.models import Enterprise
    from tests.registry.factories import EnterpriseFactory

    kept = EnterpriseFactory(name="苏州华芯链科技有限公司")
    expected = _with_name_length(Enterprise.objects.select_related("city")).get(pk=kept.pk)
    found = row_get(Enterprise, "uscc", kept.uscc, related=("city",), shape=_with_name_length)
    assert (
        (found.name_length, found.lower_uscc) == (expected.name_length, expected.lower_uscc) == (11, kept.uscc.lower())
    )
    assert found.city.name_zh == "苏州市" and found.name == kept.name  # the row and its related object as before
    # The shape is part of the statement's identity: the same look-up without it has no annotation.
    assert not hasattr(row_get(Enterprise, "uscc", kept.uscc, related=("city",)), "name_length")


def test_row_values_lists_one_column_in_the_models_order() -> None:
    import datetime as dt

    from g60.core.rows import row_values
    from g60.registry.models import EnterpriseFormerName
    from tests.registry.factories import EnterpriseFactory, EnterpriseFormerNameFactory

    enterprise, other = EnterpriseFactory(), EnterpriseFactory()
    EnterpriseFormerNameFactory(enterprise=enterprise, name="最早的名字", used_until=dt.date(2001, 1, 1))
    EnterpriseFormerNameFactory(enterprise=enterprise, name="后来的名字", used_until=dt.date(2015, 6, 1))
    EnterpriseFormerNameFactory(enterprise=other, name="别家的名字")
    expected = list(enterprise.former_names.values_list("name", flat=True))
    names = row_values(EnterpriseFormerName, "enterprise", enterprise.pk, "name")
    assert names == expected == ["后来的名字", "最早的名字"]
    assert row_values(EnterpriseFormerName, "enterprise", enterprise.pk + 1000, "name") == []
    dates = row_values(EnterpriseFormerName, "enterprise", enterprise.pk, "used_until")
    assert dates == [dt.date(2015, 6, 1), dt.date(2001, 1, 1)]
