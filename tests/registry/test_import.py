"""The import: every column's rule reported with its line, bad rows never written, idempotent re-import, resume."""

import csv
import datetime as dt
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from g60.audit.models import AuditEvent
from g60.regions.models import City
from g60.registry.constants import ImportJobStatus
from g60.registry.generator import SHOWCASE, generate, generated_to_csv
from g60.registry.importing import COLUMNS, import_job_create, import_job_run
from g60.registry.models import Enterprise, EnterpriseChange, ImportRowError

pytestmark = pytest.mark.django_db

GOOD = {
    "uscc": SHOWCASE[0].uscc,
    "name": "苏州华芯链科技有限公司",
    "city_code": "320500",
    "type": "company",
    "status": "active",
    "established_on": "2019-06-18",
    "registered_capital_wan": "5000",
    "legal_representative": "张晓明",
    "industry_code": "C3973",
    "address": "江苏省苏州市工业园区星湖街328号",
    "business_scope": "集成电路芯片设计",
}


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] = COLUMNS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(path: Path):  # type: ignore[no-untyped-def]
    return import_job_run(import_job_create(acting_user=None, path=path))


def test_a_good_row_is_written(tmp_path: Path) -> None:
    job = run(write_csv(tmp_path / "a.csv", [GOOD]))
    assert job.status == ImportJobStatus.DONE
    assert (job.rows_created, job.rows_invalid) == (1, 0)
    enterprise = Enterprise.objects.get(uscc=GOOD["uscc"])
    assert enterprise.name == GOOD["name"]
    assert str(enterprise.registered_capital_wan) == "5000.0000"
    # The database's form (search_text.py): one token per character, or pairs on PostgreSQL.
    expected = "苏州 州华 华芯 芯链 链科" if connection.vendor == "postgresql" else "苏 州 华 芯 链 科"
    assert enterprise.search_text.startswith(expected)


def test_imported_rows_get_time_ordered_unique_public_ids(tmp_path: Path) -> None:
    # Version 7 UUIDs in insert order (docs/search.md: ordered ids append to the public_id index).
    rows = [{**GOOD, "uscc": g.uscc, "name": g.name} for g in generate(30, seed=7)]
    run(write_csv(tmp_path / "many.csv", rows))
    ids = list(Enterprise.objects.order_by("id").values_list("public_id", flat=True))
    assert len(ids) == len(set(ids)) == 30
    assert {u.version for u in ids} == {7} and {u.variant for u in ids} == {uuid.RFC_4122}
    assert ids == sorted(ids, key=lambda u: u.hex)


@pytest.mark.parametrize(
    ("column", "value", "rule"),
    [
        ("uscc", "91320500MA1XLH6081", "check character"),
        ("uscc", "9132", "18 characters"),
        ("name", "", "must not be empty"),
        ("city_code", "110000", "nine corridor cities"),
        ("type", "corporation", "One of"),
        ("status", "dormant", "One of"),
        ("established_on", "18/06/2019", "ISO date"),
        ("established_on", "2999-01-01", "future"),
        ("registered_capital_wan", "-1", "non-negative"),
        ("registered_capital_wan", "lots", "non-negative"),
        ("registered_capital_wan", "1.123456", "4 after"),
        ("legal_representative", "", "must not be empty"),
        ("industry_code", "C9973", "does not belong"),
        ("industry_code", "3973", "section letter"),
        ("address", "", "must not be empty"),
    ],
)
def test_every_column_is_checked_and_the_line_column_and_rule_reported(
    tmp_path: Path, column: str, value: str, rule: str
) -> None:
    other = {**GOOD, "uscc": next(generate(1, seed=3)).uscc, "city_code": "310117"}
    bad = {**GOOD, column: value}
    job = run(write_csv(tmp_path / "a.csv", [other, bad]))
    assert job.rows_invalid == 1
    error = ImportRowError.objects.get(job=job)
    assert (error.line, error.column) == (3, column)
    assert rule in error.rule
    # The bad row is not written; the good one is.
    assert list(Enterprise.objects.values_list("uscc", flat=True)) == [other["uscc"]]


def test_wrong_columns_fail_the_whole_file(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "a.csv", [{k: v for k, v in GOOD.items() if k != "address"}], [*COLUMNS[:-2], "business_scope"]
    )
    job = run(path)
    assert job.status == ImportJobStatus.FAILED
    assert "address" in job.failure_text
    assert not Enterprise.objects.exists()


def test_reimporting_the_same_file_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "gen.csv"
    generated_to_csv(generate(50, seed=9), str(path))
    first = run(path)
    assert first.rows_created == 50
    before = list(Enterprise.objects.order_by("uscc").values_list("uscc", "modified_on"))
    audit_before = AuditEvent.objects.count()
    second = run(path)
    assert (second.rows_created, second.rows_updated, second.rows_unchanged) == (0, 0, 50)
    assert list(Enterprise.objects.order_by("uscc").values_list("uscc", "modified_on")) == before
    assert not EnterpriseChange.objects.exists()
    # One summary event per job, never one per row.
    assert AuditEvent.objects.count() == audit_before + 1
    assert AuditEvent.objects.order_by("-seq").first().action == "enterprise.import"  # type: ignore[union-attr]


def test_a_changed_row_is_updated_with_history(tmp_path: Path) -> None:
    run(write_csv(tmp_path / "a.csv", [GOOD]))
    job = run(write_csv(tmp_path / "b.csv", [{**GOOD, "status": "revoked", "registered_capital_wan": "6000"}]))
    assert job.rows_updated == 1
    enterprise = Enterprise.objects.get(uscc=GOOD["uscc"])
    assert enterprise.status == "revoked"
    change = EnterpriseChange.objects.get(enterprise=enterprise)
    assert change.before == {"status": "active", "registered_capital_wan": "5000.0000"}
    assert change.after == {"status": "revoked", "registered_capital_wan": "6000"}


def test_resume_goes_on_after_the_last_committed_line(tmp_path: Path) -> None:
    path = tmp_path / "gen.csv"
    generated_to_csv(generate(30, seed=11), str(path))
    job = import_job_create(acting_user=None, path=path)
    # As if a first run committed lines up to 11 (10 rows) and then stopped.
    job.last_committed_line = 11
    job.status = ImportJobStatus.FAILED
    job.save()
    job = import_job_run(job, batch_size=7)
    assert job.status == ImportJobStatus.DONE
    assert job.rows_created == 20
    assert job.last_committed_line == 31
    assert Enterprise.objects.count() == 20


def test_batches_commit_progress(tmp_path: Path) -> None:
    path = tmp_path / "gen.csv"
    generated_to_csv(generate(25, seed=12), str(path))
    seen: list[int] = []
    job = import_job_run(
        import_job_create(acting_user=None, path=path),
        progress=lambda j: seen.append(j.last_committed_line),
        batch_size=10,
    )
    assert seen[:2] == [11, 21]
    assert job.percent == 100


def test_the_command_imports_and_reports_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "a.csv", [GOOD, {**GOOD, "uscc": "X"}])
    report = tmp_path / "errors.csv"
    call_command("import_enterprises", str(path), "--errors", str(report))
    out = capsys.readouterr().out
    assert "created=1" in out and "invalid=1" in out
    rows = list(csv.reader(report.open(encoding="utf-8")))
    assert rows[0] == ["line", "column", "value", "rule"]
    assert rows[1][:3] == ["3", "uscc", "X"]


def test_imported_rows_are_searchable_and_later_writes_are_indexed_again(tmp_path: Path) -> None:
    from g60.registry.selectors import enterprise_page, enterprise_query_parse
    from tests.registry.factories import EnterpriseFactory

    run(write_csv(tmp_path / "a.csv", [GOOD]))
    EnterpriseFactory(name="杭州芯链后来有限公司")  # an ordinary write after the bulk import
    items, _count, _capped = enterprise_page(enterprise_query_parse({"q": "芯链"}))
    assert sorted(e.name for e in items) == ["杭州芯链后来有限公司", "苏州华芯链科技有限公司"]


# Edge cases for each column: the import's fast check (importing._row_checker) must never accept a row that
# validate_row refuses, and where it accepts one, it must prepare the same values.
EDGES: dict[str, list[str]] = {
    "uscc": ["", SHOWCASE[0].uscc[:-1] + ("0" if SHOWCASE[0].uscc[-1] != "0" else "1"), SHOWCASE[0].uscc.lower()],
    "name": ["", "名" * 200, "名" * 201],
    "legal_representative": ["", "张" * 64, "张" * 65],
    "address": ["", "路" * 255, "路" * 256],
    "city_code": ["320500", "320501", ""],
    "type": ["branch", "Company", ""],
    "status": ["revoked", "gone", ""],
    "established_on": ["2019-02-28", "2019-02-30", "2019-2-28", "9999-01-01", "20190228", ""],
    "registered_capital_wan": [
        "0",
        "00001",
        "1.5",
        "1.",
        ".5",
        "1.23456",
        "99999999999999.9999",
        "100000000000000",
        "-1",
        "1e3",
        "NaN",
        "",
    ],
    "industry_code": ["C3973", "A0100", "C0100", "Z1234", "c3973", ""],
}


@pytest.mark.parametrize("column, value", [(c, v) for c, values in EDGES.items() for v in values])
def test_fast_check_accepts_only_what_validate_row_accepts(column: str, value: str) -> None:
    from g60.registry.importing import _prepared_from_values, _row_checker, validate_row

    row = {**GOOD, "name_en": "", column: value}
    header = [*COLUMNS, "name_en"]
    cities = set(City.objects.values_list("code", flat=True))
    today = dt.date.today().isoformat()  # noqa: DTZ011 - a calendar date, as the reader uses
    fast = _row_checker(header, cities)([row[name] for name in header], today)
    values, errors = validate_row(2, row, cities)
    if fast is not None:
        assert values is not None, (column, value, errors)
        slow = _prepared_from_values(values)
        assert fast[:7] == slow[:7] and fast[8:] == slow[8:]  # all but the capital's spelling
        assert Decimal(fast[7]) == Decimal(slow[7])


def test_fast_check_takes_the_common_row() -> None:
    """The fast check is not vacuous: a plainly valid row is prepared without validate_row."""
    from g60.registry.importing import _row_checker

    header = [*COLUMNS, "name_en"]
    cities = set(City.objects.values_list("code", flat=True))
    row = {**GOOD, "name_en": "Suzhou Huaxinlian Technology Co., Ltd."}
    prepared = _row_checker(header, cities)([row[name] for name in header], dt.date.today().isoformat())  # noqa: DTZ011
    assert prepared is not None and prepared[0] == GOOD["uscc"]
