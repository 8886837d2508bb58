"""An import's row errors are stored as data (line, column, rule code and parameters) and read in the reader's
language, whatever language the import ran in, and so is the reason a whole file was refused; every text column
has a length limit, enforced with a row error."""

import csv
import datetime as dt
import importlib
import io
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

from g60.accounts.models import Role
from g60.regions.models import City
from g60.registry.constants import BUSINESS_SCOPE_MAX_LENGTH, ImportJobStatus
from g60.registry.generator import generate
from g60.registry.importing import COLUMNS, TEXT_LIMITS, _row_checker, error_report_rows, validate_row
from g60.registry.models import Enterprise, EnterpriseChange, ImportJob, ImportRowError
from g60.registry.services import enterprise_register
from tests.registry.factories import EnterpriseFactory, ImportJobFactory, ImportRowErrorFactory
from tests.registry.test_import import GOOD, run, write_csv

pytestmark = pytest.mark.django_db

HEADER = [*COLUMNS, "name_en"]
# Three rows, each breaking rules of its own: a plain rule, one with a number, one with a list.
BAD_ROWS = [
    {**GOOD, "name_en": "", "uscc": "9132"},
    {**GOOD, "name_en": "", "uscc": next(generate(1, seed=31)).uscc, "name": "名" * 201},
    {**GOOD, "name_en": "", "uscc": next(generate(1, seed=32)).uscc, "type": "corporation"},
]
TYPES = "company, joint_stock_company, branch, partnership, individual_business, cooperative"
# (line, column, the rule in English, the rule in Chinese)
EXPECTED = [
    (2, "uscc", "A Unified Social Credit Code has 18 characters.", "统一社会信用代码应为 18 位。"),
    (3, "name", "At most 200 characters.", "最多 200 个字符。"),
    (4, "type", f"One of: {TYPES}.", f"取值须为：{TYPES}。"),
]
LANGUAGES = {"en": 2, "zh-hans": 3}  # the index of the rule's text in EXPECTED
OTHER = {"en": "zh-hans", "zh-hans": "en"}


def _csv_bytes(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _speaking(client: Client, language: str) -> Client:
    client.cookies["django_language"] = language
    return client


def _report(client: Client, job: ImportJob) -> list[list[str]]:
    response = client.get(reverse("registry:import_errors", kwargs={"public_id": job.public_id}))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(text)))


def _page(client: Client, job: ImportJob) -> str:
    response = client.get(reverse("registry:import_job", kwargs={"public_id": job.public_id}))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("run_language", ["en", "zh-hans"])
def test_errors_of_an_import_are_read_in_the_readers_language(
    run_language: str, make_user, client_for, settings, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    settings.REGISTRY_IMPORT_IN_BACKGROUND = False
    settings.MEDIA_ROOT = tmp_path
    read_language = OTHER[run_language]
    uploader = _speaking(client_for(make_user(Role.ANALYST)), run_language)
    response = uploader.post(reverse("registry:import"), {"file": SimpleUploadedFile("a.csv", _csv_bytes(BAD_ROWS))})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.DONE and job.rows_invalid == 3
    assert not Enterprise.objects.exists()
    # Stored as data: a code and its parameters, no text in the uploader's language.
    stored = list(job.errors.values_list("line", "column", "code", "params", "rule_text"))
    assert stored == [
        (2, "uscc", "uscc_length", {}, ""),
        (3, "name", "max_length", {"limit": 200}, ""),
        (4, "type", "choice", {"choices": TYPES}, ""),
    ]

    for language, reader in ((read_language, client_for(make_user(Role.ANALYST))), (run_language, uploader)):
        _speaking(reader, language)
        shown, hidden = LANGUAGES[language], LANGUAGES[OTHER[language]]
        page = _page(reader, job)
        for expected in EXPECTED:
            assert expected[shown] in page
            assert expected[hidden] not in page
        report = _report(reader, job)
        assert report[0] == ["line", "column", "value", "rule"]
        assert [(int(line), column, rule) for line, column, _value, rule in report[1:]] == [
            (e[0], e[1], e[shown]) for e in EXPECTED
        ]


@pytest.mark.parametrize("run_language", ["en", "zh-hans"])
def test_the_command_and_its_report_speak_the_readers_language(run_language: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.csv"
    path.write_bytes(_csv_bytes(BAD_ROWS))
    with translation.override(run_language):
        call_command("import_enterprises", str(path), "--quiet")
    job = ImportJob.objects.get()
    read_language = OTHER[run_language]
    shown = LANGUAGES[read_language]
    # The report as the command writes it (error_report_rows), for a reader of the other language ...
    with translation.override(read_language):
        rows = list(error_report_rows(job))
    assert [row[3] for row in rows[1:]] == [e[shown] for e in EXPECTED]
    # ... or named explicitly, whatever the active language.
    assert [row[3] for row in list(error_report_rows(job, run_language))[1:]] == [
        e[LANGUAGES[run_language]] for e in EXPECTED
    ]
    # The command's own listing of the errors renders them in its language too.
    capsys.readouterr()
    with translation.override(read_language):
        call_command("import_enterprises", "--resume", str(job.public_id), "--quiet")
    out = capsys.readouterr().out
    for expected in EXPECTED:
        assert expected[shown] in out
        assert expected[LANGUAGES[run_language]] not in out


@pytest.mark.parametrize("run_language", ["en", "zh-hans"])
def test_a_file_refused_as_a_whole_says_why_in_the_readers_language(
    run_language: str, make_user, client_for, settings, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    settings.REGISTRY_IMPORT_IN_BACKGROUND = False
    settings.MEDIA_ROOT = tmp_path
    uploader = _speaking(client_for(make_user(Role.ANALYST)), run_language)
    wrong = b"uscc,name\n91320500MA1XLH608E,x\n"
    response = uploader.post(reverse("registry:import"), {"file": SimpleUploadedFile("a.csv", wrong)})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    missing = ",".join(c for c in COLUMNS if c not in ("uscc", "name"))
    assert job.status == ImportJobStatus.FAILED
    assert (job.failure_code, job.failure_params, job.failure) == (
        "file_columns",
        {"columns": ",".join(COLUMNS), "missing": missing, "unknown": "-"},
        "",
    )
    reasons = {
        "en": f"Line 1: the columns must be {','.join(COLUMNS)} (missing: {missing}; unknown: -).",
        "zh-hans": f"第 1 行：列须为 {','.join(COLUMNS)}（缺少：{missing}；未知：-）。",
    }
    for language in ("en", "zh-hans"):
        page = _page(_speaking(client_for(make_user(Role.ANALYST)), language), job)
        assert reasons[language] in page and reasons[OTHER[language]] not in page
    # The command resuming the job says it in its own language, whoever started it.
    read_language = OTHER[run_language]
    with translation.override(read_language), pytest.raises(CommandError) as refused:
        call_command("import_enterprises", "--resume", str(job.public_id), "--quiet")
    assert str(refused.value) == reasons[read_language]


def test_a_reason_recorded_as_text_by_an_older_import_is_shown_as_written(make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    job = ImportJobFactory(status=ImportJobStatus.FAILED, failure="文件不是 UTF-8 编码的文本。")
    for language in ("en", "zh-hans"):
        assert "文件不是 UTF-8 编码的文本。" in _page(_speaking(client_for(make_user(Role.ANALYST)), language), job)


def test_errors_recorded_as_text_by_an_older_import_are_shown_as_written(make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    job = ImportJobFactory(status=ImportJobStatus.DONE, rows_invalid=1)
    ImportRowErrorFactory(
        job=job, line=2, column="uscc", value="9132", code="", rule_text="统一社会信用代码应为 18 位。"
    )
    error = ImportRowError.objects.get()
    assert (error.code, error.params, error.rule_text) == ("", {}, "统一社会信用代码应为 18 位。")
    for language in ("en", "zh-hans"):
        reader = _speaking(client_for(make_user(Role.ANALYST)), language)
        assert "统一社会信用代码应为 18 位。" in _page(reader, job)
        assert _report(reader, job)[1] == ["2", "uscc", "9132", "统一社会信用代码应为 18 位。"]


def test_the_migration_turns_the_texts_an_import_wrote_into_codes() -> None:
    migration = importlib.import_module("g60.registry.migrations.0013_import_errors_as_codes")
    job = ImportJobFactory(status=ImportJobStatus.DONE)
    texts = {
        2: "统一社会信用代码应为 18 位。",
        3: "At most 64 characters.",
        4: "取值须为：active, suspended, deregistered, revoked。",
        5: "Null characters are not allowed.",
        6: "a rule worded by some other version",
    }
    for line, text in texts.items():
        ImportRowErrorFactory(job=job, line=line, code="", rule_text=text)
    migration.texts_to_codes(apps, None)
    stored = {e.line: (e.code, e.params, e.rule_text) for e in ImportRowError.objects.all()}
    assert stored == {
        2: ("uscc_length", {}, ""),
        3: ("max_length", {"limit": 64}, ""),
        4: ("choice", {"choices": "active, suspended, deregistered, revoked"}, ""),
        5: ("null_character", {}, ""),
        6: ("", {}, "a rule worded by some other version"),
    }
    with translation.override("zh-hans"):
        rules = {e.line: e.rule for e in ImportRowError.objects.all()}
    assert rules == {
        2: "统一社会信用代码应为 18 位。",
        3: "最多 64 个字符。",
        4: "取值须为：active, suspended, deregistered, revoked。",
        5: "不能包含空字符（NUL）。",
        6: "a rule worded by some other version",
    }
    # And back: the codes written out in English.
    migration.codes_to_texts(apps, None)
    assert {e.line: e.rule_text for e in ImportRowError.objects.all()} == {
        2: "A Unified Social Credit Code has 18 characters.",
        3: "At most 64 characters.",
        4: "One of: active, suspended, deregistered, revoked.",
        5: "Null characters are not allowed.",
        6: "a rule worded by some other version",
    }


# --- Lengths of the text columns ---------------------------------------------------------------------------------

# Every free-text column the import writes, and its limit (the model's max_length).
LIMITS = {
    "name": 200,
    "legal_representative": 64,
    "address": 255,
    "name_en": 255,
    "business_scope": BUSINESS_SCOPE_MAX_LENGTH,
}


def test_every_text_column_has_the_models_limit() -> None:
    assert BUSINESS_SCOPE_MAX_LENGTH == 2000
    assert TEXT_LIMITS == LIMITS
    for column, limit in LIMITS.items():
        field = Enterprise._meta.get_field(column)
        assert field.max_length == limit  # type: ignore[union-attr]
        assert field.formfield().max_length == limit  # type: ignore[union-attr]
    free_text = {
        f.name
        for f in Enterprise._meta.concrete_fields
        if f.get_internal_type() in ("CharField", "TextField") and f.editable and not f.choices
    }
    # The rest are codes checked by rules of their own (USCC, industry class, ID number) or not imported.
    assert free_text - set(LIMITS) == {"uscc", "industry_code", "legal_representative_id_number", "archived_reason"}


def test_a_business_scope_over_the_limit_is_refused_by_the_model_too(city_jiaxing: City) -> None:
    values = {
        "acting_user": None,
        "uscc": next(generate(1, seed=41)).uscc,
        "name": "嘉兴测试科技有限公司",
        "type": "company",
        "city": city_jiaxing,
        "established_on": dt.date(2020, 1, 1),
        "registered_capital_wan": 100,
        "legal_representative": "张三",
        "industry_code": "C3973",
        "address": "浙江省嘉兴市南湖区1号",
    }
    with pytest.raises(ValidationError) as refused, transaction.atomic():
        enterprise_register(**values, business_scope="经" * (BUSINESS_SCOPE_MAX_LENGTH + 1))  # type: ignore[arg-type]
    assert set(refused.value.message_dict) == {"business_scope"}
    enterprise = enterprise_register(**values, business_scope="经" * BUSINESS_SCOPE_MAX_LENGTH)  # type: ignore[arg-type]
    assert len(enterprise.business_scope) == BUSINESS_SCOPE_MAX_LENGTH


def _row(column: str, length: int) -> dict[str, str]:
    """GOOD with `column` `length` characters long (Chinese characters: the limit counts characters, not bytes)."""
    return {**GOOD, "name_en": "", column: "长" * length}


@pytest.mark.parametrize("column", list(LIMITS))
def test_a_value_over_its_columns_limit_is_refused_with_line_column_and_rule(column: str, tmp_path: Path) -> None:
    limit = LIMITS[column]
    job = run(write_csv(tmp_path / "long.csv", [_row(column, limit + 1)], HEADER))
    assert job.status == ImportJobStatus.DONE
    assert (job.rows_created, job.rows_updated, job.rows_invalid) == (0, 0, 1)
    error = ImportRowError.objects.get(job=job)
    assert (error.line, error.column, error.code, error.params) == (2, column, "max_length", {"limit": limit})
    assert error.rule == f"At most {limit} characters."
    with translation.override("zh-hans"):
        assert error.rule == f"最多 {limit} 个字符。"
    assert error.value == "长" * min(limit + 1, 255)  # the value as far as the report keeps it
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize("column", list(LIMITS))
def test_a_value_over_its_columns_limit_changes_no_registered_enterprise(column: str, tmp_path: Path) -> None:
    enterprise = EnterpriseFactory(uscc=GOOD["uscc"], city=City.objects.get(code=GOOD["city_code"]))
    before = {f: getattr(enterprise, f) for f in LIMITS}
    job = run(write_csv(tmp_path / "long.csv", [_row(column, LIMITS[column] + 1)], HEADER))
    assert (job.rows_updated, job.rows_invalid) == (0, 1)
    enterprise.refresh_from_db()
    assert {f: getattr(enterprise, f) for f in LIMITS} == before
    assert not EnterpriseChange.objects.exists()


@pytest.mark.parametrize("column", list(LIMITS))
def test_the_longest_allowed_value_is_accepted(column: str, tmp_path: Path) -> None:
    job = run(write_csv(tmp_path / "longest.csv", [_row(column, LIMITS[column])], HEADER))
    assert (job.rows_created, job.rows_invalid) == (1, 0)
    assert getattr(Enterprise.objects.get(uscc=GOOD["uscc"]), column) == "长" * LIMITS[column]


@pytest.mark.parametrize("column", list(LIMITS))
def test_the_fast_check_and_validate_row_agree_on_each_limit(column: str) -> None:
    cities = set(City.objects.values_list("code", flat=True))
    check = _row_checker(HEADER, cities)
    today = dt.date.today().isoformat()  # noqa: DTZ011 - a calendar date, as the reader uses
    longest, too_long = _row(column, LIMITS[column]), _row(column, LIMITS[column] + 1)
    assert check([longest[name] for name in HEADER], today) is not None
    assert validate_row(2, longest, cities)[1] == []
    assert check([too_long[name] for name in HEADER], today) is None
    values, errors = validate_row(2, too_long, cities)
    assert values is None
    assert [(e.line, e.column, e.code, e.params) for e in errors] == [
        (2, column, "max_length", {"limit": LIMITS[column]})
    ]
