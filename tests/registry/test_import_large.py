"""Large loads: indexes set aside and built again (crash-safely), several writers on PostgreSQL, COPY's escaping."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection
from django.utils import translation

from g60.registry.constants import ImportJobStatus
from g60.registry.generator import generate
from g60.registry.import_indexes import deferred_indexes_check, indexes_defer, indexes_defer_wanted, indexes_restore
from g60.registry.importing import _partition_of, _Source, import_job_create, import_job_run
from g60.registry.models import Enterprise, EnterpriseChange, ImportJob
from tests.registry.test_import import GOOD, write_csv

# The register's plain B-tree indexes (Enterprise.Meta.indexes): set aside during a large load, and so is
# PostgreSQL's GIN index of the names (SQLite's FTS5 table stays).
SEARCH_BTREES = {
    "enterprise_name",
    "enterprise_city_status_ind",
    "enterprise_city_established",
    "enterprise_industry",
    "enterprise_established",
}


def plain_indexes() -> set[str]:
    """The register's non-unique indexes, from the database's catalogue."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Enterprise._meta.db_table)
    return {name for name, c in found.items() if c["index"] and not c["unique"] and not c["primary_key"]}


def foreign_keys() -> set[str]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Enterprise._meta.db_table)
    return {name for name, c in found.items() if c["foreign_key"]}


def index_definitions() -> dict[str, str]:
    """The register's indexes and the statements that make them, from the catalogue."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s",
                [Enterprise._meta.db_table],
            )
        else:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [Enterprise._meta.db_table]
            )
        return dict(cursor.fetchall())


def unique_indexes() -> set[str]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Enterprise._meta.db_table)
    return {name for name, c in found.items() if c["unique"]}


def generated_rows(count: int, seed: int = 11) -> list[dict[str, str]]:
    return [
        {**GOOD, "uscc": g.uscc, "name": g.name, "city_code": g.city_code, "industry_code": g.industry_code}
        for g in generate(count, seed=seed)
    ]


@pytest.mark.django_db
def test_the_indexes_are_set_aside_during_the_load_and_built_again(tmp_path: Path) -> None:
    before, uniques, keys = plain_indexes(), unique_indexes(), foreign_keys()
    definitions = index_definitions()
    # PostgreSQL also has the search text in id order, and in each city in id order (partial, covering:
    # registry/0010 and 0011), the public register's USCCs (partial: 0012) and the GIN index of the names.
    search_btrees = SEARCH_BTREES | (
        {
            "registry_enterprise_search_text_by_id",
            "registry_enterprise_search_text_by_city",
            "registry_enterprise_uscc_public",
            "registry_enterprise_search_city_gin",
        }
        if connection.vendor != "sqlite"
        else set()
    )
    assert before >= search_btrees and len(keys) == 4  # city, created by, modified by, archived by
    seen: list[tuple[set[str], set[str], set[str], list[list[str]]]] = []

    def progress(job: ImportJob) -> None:  # after each committed batch but the last
        deferred = ImportJob.objects.get(pk=job.pk).deferred_indexes
        seen.append((plain_indexes(), unique_indexes(), foreign_keys(), deferred))

    path = write_csv(tmp_path / "a.csv", generated_rows(6))
    job = import_job_run(import_job_create(acting_user=None, path=path), progress=progress, batch_size=2,
                         defer_indexes=True)  # fmt: skip
    assert job.status == ImportJobStatus.DONE and job.rows_created == 6
    during, uniques_during, keys_during, saved = seen[0]
    assert search_btrees.isdisjoint(during)
    assert uniques_during == uniques  # the USCC and public id stay unique meanwhile
    # PostgreSQL checks each row's keys with a query at commit: set aside too; SQLite's checks cost nothing.
    assert keys_during == (keys if connection.vendor == "sqlite" else set())
    assert {name for name, _sql in saved} >= search_btrees
    assert plain_indexes() == before and foreign_keys() == keys
    assert index_definitions() == definitions  # built again as they were (partial, covering, ...)
    assert ImportJob.objects.get(pk=job.pk).deferred_indexes == []
    assert Enterprise.objects.filter(name=generated_rows(6)[3]["name"]).count() == 1


@pytest.mark.django_db
def test_a_job_stopped_while_holding_the_indexes_is_reported_and_resuming_builds_them(tmp_path: Path) -> None:
    before = plain_indexes()
    path = write_csv(tmp_path / "a.csv", generated_rows(4))
    job = import_job_create(acting_user=None, path=path)
    indexes_defer(job)  # as if the process had been killed after setting them aside
    assert SEARCH_BTREES.isdisjoint(plain_indexes())
    warnings = deferred_indexes_check(databases=["default"])
    assert [w.id for w in warnings] == ["registry.W001"]
    assert str(job.public_id) in warnings[0].msg and f"--resume {job.public_id}" in warnings[0].hint
    assert deferred_indexes_check(databases=None) == []  # only when the database is asked for

    job = import_job_run(ImportJob.objects.get(pk=job.pk))
    assert job.status == ImportJobStatus.DONE and job.rows_created == 4
    assert plain_indexes() == before
    assert deferred_indexes_check(databases=["default"]) == []


@pytest.mark.django_db
def test_a_file_that_fails_puts_the_indexes_back(tmp_path: Path) -> None:
    before = plain_indexes()
    path = write_csv(tmp_path / "a.csv", [{"uscc": GOOD["uscc"]}], columns=["uscc"])
    job = import_job_run(import_job_create(acting_user=None, path=path), defer_indexes=True)
    assert job.status == ImportJobStatus.FAILED and "columns" in job.failure_text
    assert plain_indexes() == before
    assert ImportJob.objects.get(pk=job.pk).deferred_indexes == []


@pytest.mark.django_db
def test_small_files_and_imports_inside_a_transaction_keep_the_indexes(tmp_path: Path) -> None:
    assert not indexes_defer_wanted(99_999)
    assert not indexes_defer_wanted(10_000_000)  # inside the test's transaction
    job = import_job_run(import_job_create(acting_user=None, path=write_csv(tmp_path / "a.csv", generated_rows(3))))
    assert job.deferred_indexes == []


@pytest.mark.django_db(transaction=True)
def test_a_large_file_into_a_smaller_register_defers_the_indexes() -> None:
    assert indexes_defer_wanted(100_000)
    Enterprise.objects.bulk_create(
        Enterprise(uscc=g.uscc, name=g.name, city_id=g.city_code, type=g.type, status=g.status,
                   established_on=g.established_on, registered_capital_wan=g.registered_capital_wan,
                   legal_representative=g.legal_representative, industry_code=g.industry_code, address=g.address,
                   source="import")
        for g in generate(5, seed=3)
    )  # fmt: skip
    assert indexes_defer_wanted(100_000)
    assert not indexes_defer_wanted(4)  # the register already holds more rows than the file


def test_the_row_estimate_of_a_csv(tmp_path: Path) -> None:
    small = write_csv(tmp_path / "a.csv", generated_rows(7))
    assert _Source(small).estimated_rows() == 7
    big = write_csv(tmp_path / "b.csv", generated_rows(3000))
    estimate = _Source(big).estimated_rows(sample_bytes=64 * 1024)
    assert 2700 <= estimate <= 3300
    assert _Source(write_csv(tmp_path / "c.csv", [{"uscc": "x"}], columns=["uscc"])).estimated_rows() == 0
    (tmp_path / "d.xlsx").write_bytes(b"not read")
    assert _Source(tmp_path / "d.xlsx").estimated_rows() == 0
    assert _Source(tmp_path / "gone.csv").estimated_rows() == 0


@pytest.mark.django_db
def test_a_job_whose_file_is_gone_is_marked_failed(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", generated_rows(2))
    job = import_job_create(acting_user=None, path=path)
    path.unlink()
    with translation.override("en"):
        returned = import_job_run(job)  # no FileNotFoundError: the page that resumes a job answered 500
    job = ImportJob.objects.get(pk=job.pk)
    assert returned.status == job.status == ImportJobStatus.FAILED
    assert "no longer on the server (a.csv)" in job.failure_text
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
def test_tabs_newlines_and_backslashes_in_values_are_stored_as_they_are(tmp_path: Path) -> None:
    # PostgreSQL's COPY text format gives these characters a meaning of their own: they are escaped.
    address = "上海市松江区\t九亭镇\\涞寅路\n1号\r2楼"
    scope = "技术开发\\N；技术服务"
    path = write_csv(tmp_path / "a.csv", [{**GOOD, "address": address, "business_scope": scope}])
    job = import_job_run(import_job_create(acting_user=None, path=path))
    assert job.rows_created == 1, list(job.errors.values_list("column", "code"))
    stored = Enterprise.objects.get(uscc=GOOD["uscc"])
    assert (stored.address, stored.business_scope) == (address, scope)


def test_a_uscc_always_goes_to_the_same_writer() -> None:
    usccs = [g.uscc for g in generate(200, seed=5)]
    first = [_partition_of(u, 2) for u in usccs]
    assert first == [_partition_of(u, 2) for u in usccs]
    assert 60 <= sum(first) <= 140  # both writers get a fair share
    assert {_partition_of(u, 1) for u in usccs} == {0}
    assert _partition_of("", 2) == 0


@pytest.mark.django_db
def test_several_writers_cannot_run_inside_a_transaction(tmp_path: Path) -> None:
    job = import_job_create(acting_user=None, path=write_csv(tmp_path / "a.csv", generated_rows(2)))
    with pytest.raises(ValueError, match="inside a transaction"):
        import_job_run(job, writers=2)
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
def test_the_command_refuses_several_writers_where_they_cannot_run(tmp_path: Path) -> None:
    # SQLite: one writer at a time; PostgreSQL: not inside the test's transaction.
    path = write_csv(tmp_path / "a.csv", generated_rows(2))
    with pytest.raises(CommandError, match="PostgreSQL" if connection.vendor == "sqlite" else "transaction"):
        call_command("import_enterprises", str(path), "--writers", "2", "--quiet")
    assert not Enterprise.objects.exists()


def _several_writers_or_refused(job: ImportJob, **kwargs: object) -> ImportJob | None:
    """On PostgreSQL, run the job with two writers; SQLite writes one transaction at a time and refuses."""
    if connection.vendor == "sqlite":
        with pytest.raises(ValueError, match="PostgreSQL"):
            import_job_run(job, writers=2, **kwargs)  # type: ignore[arg-type]
        return None
    return import_job_run(job, writers=2, **kwargs)  # type: ignore[arg-type]


@pytest.mark.django_db(transaction=True)
def test_two_writers_write_every_row_once_and_the_last_row_of_a_uscc_wins(tmp_path: Path) -> None:
    rows = generated_rows(40)
    later = {**rows[2], "name": rows[2]["name"].replace("有限公司", "股份有限公司")}
    bad = {**rows[5], "uscc": "91310117MA1J3K4L5X"}  # wrong check character
    path = write_csv(tmp_path / "a.csv", [*rows, bad, later])
    job = _several_writers_or_refused(import_job_create(acting_user=None, path=path), batch_size=4)
    if job is None:
        assert not Enterprise.objects.exists()
        return
    assert job.status == ImportJobStatus.DONE
    assert (job.rows_created, job.rows_updated, job.rows_invalid) == (40, 1, 1)
    assert job.partition_lines == [43, 43] and job.last_committed_line == job.lines_read == 43
    assert Enterprise.objects.count() == 40
    assert Enterprise.objects.get(uscc=later["uscc"]).name == later["name"]
    assert EnterpriseChange.objects.filter(enterprise__uscc=later["uscc"], action="enterprise.import").count() == 1
    assert list(job.errors.values_list("line", "column")) == [(42, "uscc")]


@pytest.mark.django_db(transaction=True)
def test_two_writers_stopped_midway_resume_without_losing_or_repeating_a_row(tmp_path: Path) -> None:
    rows = generated_rows(300, seed=21)
    path = write_csv(tmp_path / "a.csv", rows)
    good = path.read_bytes()
    cut = good.index(rows[200]["uscc"].encode())
    path.write_bytes(good[:cut] + b"\xff" + good[cut + 1 :])  # not UTF-8: the reader stops there
    job = _several_writers_or_refused(import_job_create(acting_user=None, path=path), batch_size=8)
    if job is None:
        return
    assert job.status == ImportJobStatus.FAILED and "UTF-8" in job.failure_text
    committed = Enterprise.objects.count()
    assert 0 < committed < 300
    assert job.last_committed_line == min(job.partition_lines) > 0
    assert job.rows_created == committed

    path.write_bytes(good)
    job = import_job_run(ImportJob.objects.get(pk=job.pk))  # resumed with its own two writers
    assert job.status == ImportJobStatus.DONE
    assert Enterprise.objects.count() == 300
    assert (job.rows_created, job.rows_unchanged, job.rows_updated) == (300, 0, 0)
    assert job.partition_lines == [301, 301]


@pytest.mark.django_db
def test_a_row_breaking_a_foreign_key_set_aside_stops_the_restore_and_the_job_keeps_its_list(tmp_path: Path) -> None:
    job = import_job_create(acting_user=None, path=write_csv(tmp_path / "a.csv", generated_rows(1)))
    saved = indexes_defer(job)
    kinds = {sql.split()[0] for _name, sql in ImportJob.objects.get(pk=job.pk).deferred_indexes}
    if connection.vendor == "sqlite":
        assert kinds == {"CREATE"}  # indexes only: SQLite's key checks are not worth setting aside
        indexes_restore(job)
        return
    assert kinds == {"CREATE", "ALTER"} and len(saved) > 5
    g = next(generate(1, seed=99))
    with connection.cursor() as cursor:  # a writer that bypassed every check, while the keys were away
        cursor.execute(
            "INSERT INTO registry_enterprise (public_id, created_on, modified_on, archived, archived_reason, uscc, "
            "name, name_en, type, status, established_on, registered_capital_wan, legal_representative, "
            "legal_representative_id_number, industry_code, address, business_scope, source, city_id, search_text) "
            "VALUES (gen_random_uuid(), now(), now(), false, '', %s, %s, '', 'company', 'active', '2020-01-01', 1, "
            "'张三', '', 'C3973', '某地', '', 'import', '999999', '')",
            [g.uscc, g.name],
        )
    with pytest.raises(IntegrityError):
        indexes_restore(ImportJob.objects.get(pk=job.pk))
    assert ImportJob.objects.get(pk=job.pk).deferred_indexes  # nothing half made: the list stays for --resume
    assert SEARCH_BTREES.isdisjoint(plain_indexes())


@pytest.mark.django_db(transaction=True)
def test_a_restore_that_fails_keeps_the_list_and_the_next_one_makes_what_is_missing(tmp_path: Path) -> None:
    # Outside a transaction, as after a real load: on PostgreSQL the GIN index is built by a second connection
    # beside the B-trees; there its statement is the one broken, so the error comes from that thread.
    postgres = connection.vendor == "postgresql"
    before, keys, definitions = plain_indexes(), foreign_keys(), index_definitions()
    job = import_job_create(acting_user=None, path=write_csv(tmp_path / "a.csv", generated_rows(3)))
    indexes_defer(job)
    saved = ImportJob.objects.get(pk=job.pk).deferred_indexes
    names = {name for name, _sql in saved}
    table = Enterprise._meta.db_table
    broken = next(name for name, sql in saved if sql.startswith("CREATE") and (" USING gin " in sql) == postgres)
    using = " USING gin" if postgres else ""
    job.deferred_indexes = [
        [name, f"CREATE INDEX {name} ON {table}{using} (no_such_column)" if name == broken else sql]
        for name, sql in saved
    ]
    job.save()

    with pytest.raises(DatabaseError, match="no_such_column"):
        indexes_restore(ImportJob.objects.get(pk=job.pk))
    assert ImportJob.objects.get(pk=job.pk).deferred_indexes == job.deferred_indexes  # kept for --resume
    if postgres:
        # The B-trees were committed on the first connection; the keys come only after both builds.
        assert plain_indexes() == before - {broken}
        assert foreign_keys() == set()
    else:
        assert plain_indexes() == before - names  # one transaction: nothing made
        assert foreign_keys() == keys

    job.deferred_indexes = saved
    job.save()
    built = indexes_restore(ImportJob.objects.get(pk=job.pk))
    assert set(built) == ({broken} | keys if postgres else names)  # what was made already is left alone
    assert index_definitions() == definitions and foreign_keys() == keys
    assert ImportJob.objects.get(pk=job.pk).deferred_indexes == []


@pytest.mark.django_db(transaction=True)
def test_a_large_file_left_to_the_rules_gets_the_large_load_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The thresholds lowered so that 40 rows count as a large load into an empty register.
    from g60.registry import import_indexes, importing

    monkeypatch.setattr(import_indexes, "IMPORT_DEFER_MIN_ROWS", 10)
    monkeypatch.setattr(importing, "IMPORT_LARGE_ROWS", 10)
    dropped: list[list[str]] = []
    defer, restore = importing.indexes_defer, importing.indexes_restore
    monkeypatch.setattr(importing, "indexes_defer", lambda job: dropped.append(defer(job)) or dropped[-1])
    status_while_restoring: list[str] = []

    def restore_and_note(job: ImportJob) -> list[str]:
        status_while_restoring.append(ImportJob.objects.get(pk=job.pk).status)
        return restore(job)

    monkeypatch.setattr(importing, "indexes_restore", restore_and_note)
    before, keys = plain_indexes(), foreign_keys()

    path = write_csv(tmp_path / "a.csv", generated_rows(40, seed=8))
    job = import_job_run(import_job_create(acting_user=None, path=path))
    assert job.status == ImportJobStatus.DONE and job.rows_created == 40
    assert set(dropped[0]) >= SEARCH_BTREES
    assert status_while_restoring[0] == ImportJobStatus.RUNNING  # done only once the indexes are back
    assert plain_indexes() == before and foreign_keys() == keys
    # PostgreSQL: two writers; SQLite: one.
    assert job.partition_lines == ([] if connection.vendor == "sqlite" else [41, 41])

    # Into a register that now holds 40 rows, a file of 12 is no longer large enough to set anything aside.
    dropped.clear()
    job = import_job_run(import_job_create(acting_user=None, path=write_csv(tmp_path / "b.csv", generated_rows(12))))
    assert job.rows_created + job.rows_updated + job.rows_unchanged == 12 and dropped == []
