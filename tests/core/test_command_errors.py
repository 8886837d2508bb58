"""The `g60` commands given bad input: a one-line CommandError naming the argument and the rule (never a
traceback), a non-zero exit status, and nothing written, neither to the database nor half a file."""

import csv
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from g60.api.models import ApiToken
from g60.audit.models import AuditEvent
from g60.regions.models import City
from g60.registry.generator import generate
from g60.registry.importing import COLUMNS
from g60.registry.models import Enterprise, ImportJob
from g60.signing.licence_pdf import licence_pdf_render
from g60.signing.services import document_sign
from tests.accounts.factories import UserFactory
from tests.registry.test_import import GOOD, write_csv
from tests.signing.factories import LicenceFactsFactory, licence_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def unchanged() -> Iterator[None]:
    """The database is as it was: no job, enterprise, token or audit event added by the refused command."""
    models = (ImportJob, Enterprise, ApiToken, AuditEvent)
    before = [model.objects.count() for model in models]
    yield
    assert [model.objects.count() for model in models] == before


def _fails(*args: str, match: str) -> CommandError:
    with pytest.raises(CommandError, match=match) as caught:
        call_command(*args, stdout=StringIO(), stderr=StringIO())
    assert caught.value.returncode != 0
    assert "\n" not in str(caught.value)
    return caught.value


# token


def test_token_name_longer_than_the_column(unchanged: None) -> None:
    # SQLite stored it whole; PostgreSQL refused it with a DataError traceback.
    _fails("token", UserFactory().username, "--name", "x" * 65, match=r"--name: at most 64 characters")


# generate-enterprises


@pytest.mark.parametrize("where", ["missing/out.csv", "."])
def test_generate_csv_into_a_missing_folder_or_onto_a_folder(tmp_path: Path, where: str, unchanged: None) -> None:
    target = tmp_path / where
    _fails("generate_enterprises", "3", "--csv", str(target), match=rf"--csv {target} cannot be written: ")
    assert not (tmp_path / "missing").exists()
    assert [p.name for p in tmp_path.iterdir()] == []


def test_generate_csv_stopped_halfway_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n")

    def broken(count: int, **kwargs: object) -> Iterator[object]:
        yield from generate(2, seed=1)
        raise KeyboardInterrupt

    monkeypatch.setattr("g60.registry.management.commands.generate_enterprises.generate", broken)
    with pytest.raises(KeyboardInterrupt):
        call_command("generate_enterprises", "5", "--csv", str(target), stdout=StringIO())
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_generate_csv_writes_a_readable_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    call_command("generate_enterprises", "3", "--csv", str(target), stdout=StringIO())
    assert len(list(csv.reader(target.open(encoding="utf-8")))) == 4
    assert target.stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["3", "--start", "-1"], r"--start must not be negative"),
        # Past the generator's distinct codes its USCCs repeat (the database ignored them without a word).
        (["1", "--start", str(31**8)], r"N \+ --start must be at most 852891037441"),
    ],
)
def test_generate_refuses_a_bad_range(args: list[str], match: str, unchanged: None) -> None:
    _fails("generate_enterprises", *args, match=match)


# import-enterprises


def _xlsx(path: Path) -> Path:
    book = Workbook()
    book.active.append(COLUMNS)  # type: ignore[union-attr]
    book.active.append([GOOD[name] for name in COLUMNS])  # type: ignore[union-attr]
    book.save(path)
    return path


def _renamed_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return path


def _truncated_xlsx(path: Path) -> Path:
    data = _xlsx(path).read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _xlsx_without(path: Path, *, cut_sheet: bool) -> Path:
    """A workbook that opens, whose first sheet is cut short or missing (a traceback from openpyxl's reader)."""
    source = _xlsx(path.with_name("source.xlsx"))
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w") as archive:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                if not cut_sheet:
                    continue
                data = data[: len(data) // 2]
            archive.writestr(item, data)
    source.unlink()
    return path


BAD_FILES = {
    "empty.csv": (lambda p: p.write_bytes(b""), "The file is empty"),
    "header.csv": (lambda p: p.write_text("a,b,c\n1,2,3\n"), "Line 1: the columns must be"),
    "gbk.csv": (
        lambda p: p.write_bytes(
            (",".join(COLUMNS) + "\n" + ",".join(GOOD[name] for name in COLUMNS) + "\n").encode("gbk")
        ),
        "The file is not UTF-8 text",
    ),
    "zip.xlsx": (_renamed_zip, "The file is not a readable XLSX workbook"),
    "truncated.xlsx": (_truncated_xlsx, "The file is not a readable XLSX workbook"),
    "cut-sheet.xlsx": (lambda p: _xlsx_without(p, cut_sheet=True), "The file is not a readable XLSX workbook"),
    "no-sheet.xlsx": (lambda p: _xlsx_without(p, cut_sheet=False), "The file is not a readable XLSX workbook"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_import_refuses_a_bad_file_before_making_a_job(tmp_path: Path, name: str, unchanged: None) -> None:
    make, rule = BAD_FILES[name]
    path = tmp_path / name
    make(path)
    _fails("import_enterprises", str(path), "--quiet", match=rf"FILE {path} cannot be imported: {rule}")


@pytest.mark.parametrize(
    ("name", "match"),
    [
        ("missing.csv", "does not exist"),
        ("folder.csv", "is not a file"),
        ("a.txt", "is neither a .csv nor an .xlsx file"),
    ],
)
def test_import_refuses_what_is_not_an_import_file(tmp_path: Path, name: str, match: str, unchanged: None) -> None:
    (tmp_path / "folder.csv").mkdir()
    (tmp_path / "a.txt").write_text("text")
    _fails("import_enterprises", str(tmp_path / name), "--quiet", match=rf"FILE {tmp_path / name} {match}")


def test_import_resume_with_a_malformed_job_id(unchanged: None) -> None:
    _fails("import_enterprises", "--resume", "not-a-uuid", "--quiet", match=r"--resume not-a-uuid is not an import job")


def test_import_resume_and_a_file_together(tmp_path: Path) -> None:
    first = write_csv(tmp_path / "a.csv", [GOOD])
    call_command("import_enterprises", str(first), "--quiet", stdout=StringIO())
    job = ImportJob.objects.get()
    other = _xlsx(tmp_path / "b.xlsx")
    before = AuditEvent.objects.count()
    _fails("import_enterprises", str(other), "--resume", str(job.public_id), "--quiet", match="not both")
    assert ImportJob.objects.count() == 1 and AuditEvent.objects.count() == before


@pytest.mark.parametrize("where", ["missing/errors.csv", "."])
def test_import_errors_report_that_cannot_be_written_refuses_before_the_import(
    tmp_path: Path, where: str, unchanged: None
) -> None:
    # The import ran to its end, and then writing the report failed with a traceback.
    path = write_csv(tmp_path / "a.csv", [GOOD, {**GOOD, "uscc": "X"}])
    report = tmp_path / where
    _fails("import_enterprises", str(path), "--errors", str(report), "--quiet", match=rf"--errors {report} cannot be")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]


def test_import_errors_report_replaces_an_old_one_even_without_errors(tmp_path: Path) -> None:
    report = tmp_path / "errors.csv"
    report.write_text("line,column,value,rule\n9,uscc,X,stale\n")
    call_command("import_enterprises", str(write_csv(tmp_path / "a.csv", [GOOD])), "--errors", str(report), "--quiet")
    assert list(csv.reader(report.open(encoding="utf-8"))) == [["line", "column", "value", "rule"]]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "errors.csv"]


# verify-licence


def test_verify_a_truncated_pdf(city_songjiang: City, tmp_path: Path) -> None:
    # It said "The PDF carries no G60 licence token" after pypdf's warning lines.
    token = document_sign(city=city_songjiang, payload=licence_payload())
    pdf = licence_pdf_render(facts=LicenceFactsFactory(), token=token)
    path = tmp_path / "cut.pdf"
    path.write_bytes(pdf[: len(pdf) // 2])
    error = _fails("verify_licence", str(path), match="The PDF is damaged or cut short")
    assert error.returncode == 1


# serve


@pytest.mark.parametrize(
    ("args", "env", "match"),
    [
        (["--workers", "0"], {}, r"--workers \(or G60_WORKERS\) must be a whole number from 1 to 64, not 0"),
        (["--workers", "100000"], {}, r"--workers .* not 100000"),
        ([], {"G60_WORKERS": "abc"}, r"--workers \(or G60_WORKERS\) .* not abc"),
        (["--bind", "127.0.0.1:99999"], {}, r"--bind \(or G60_BIND\) .* not 127.0.0.1:99999"),
    ],
)
def test_serve_refuses_bad_settings_before_starting(
    monkeypatch: pytest.MonkeyPatch, args: list[str], env: dict[str, str], match: str
) -> None:
    started: list[list[str]] = []
    monkeypatch.setattr("os.execv", lambda path, argv: started.append(argv))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    _fails("serve", *args, match=match)
    assert started == []


# compile-translations


def test_compile_translations_names_a_broken_catalogue_and_writes_nothing(tmp_path: Path, settings: object) -> None:
    good, broken = tmp_path / "aa" / "LC_MESSAGES" / "django.po", tmp_path / "zz" / "LC_MESSAGES" / "django.po"
    for po in (good, broken):
        po.parent.mkdir(parents=True)
    good.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "a"\nmsgstr "b"\n')
    broken.write_text('msgid "a"\nmsgstr "b"\nnot po at all\n')
    settings.LOCALE_PATHS = [tmp_path]  # type: ignore[attr-defined]
    _fails("compile_translations", match=rf"{broken} cannot be compiled: ")
    assert not list(tmp_path.glob("*/LC_MESSAGES/*.mo"))


# audit-verify


def test_audit_verify_on_a_database_without_tables(tmp_path: Path) -> None:
    """The real `g60` command on an empty SQLite file (never migrated): one line, exit status 1."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}", "G60_HTTPS": "false"}
    env.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    g60 = str(Path(sys.executable).with_name("g60"))
    done = subprocess.run([g60, "audit-verify"], env=env, capture_output=True, text=True, timeout=60)  # noqa: S603
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [done.stderr.strip()]
    assert done.stderr.startswith("CommandError: ")
    assert "audit_auditevent" in done.stderr and "g60 migrate" in done.stderr
