"""Import of enterprises from CSV or XLSX: every row validated, good rows written or updated by USCC in batches.

Memory stays bounded: the file is read row by row (csv over the byte stream; openpyxl in read-only mode) and only
one batch is held at a time. Each batch is one transaction that writes its good rows, its rows' errors and the
job's progress (`last_committed_line`) together, so a stopped import says exactly which rows are in and
`--resume` goes on after them. Rows that break a rule are never written; re-importing a file changes nothing
(unchanged rows are neither written nor recorded in the history). The audit trail gets one summary event per job.
"""

from __future__ import annotations

import csv
import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from g60.accounts.models import User
from g60.audit.services import audit_record
from g60.regions.models import City
from g60.registry.constants import EnterpriseSource, EnterpriseStatus, EnterpriseType, ImportJobStatus
from g60.registry.identifiers import uscc_error
from g60.registry.industry import industry_class_error
from g60.registry.models import Enterprise, EnterpriseChange, ImportJob, ImportRowError
from g60.registry.search_text import search_text_for

COLUMNS = [
    "uscc",
    "name",
    "city_code",
    "type",
    "status",
    "established_on",
    "registered_capital_wan",
    "legal_representative",
    "industry_code",
    "address",
    "business_scope",
]
# Accepted after the required columns so that an export (which carries the English name) imports unchanged.
OPTIONAL_COLUMNS = ["name_en"]
BATCH_SIZE = 2000
# The fields an import writes, compared with the stored row to decide "unchanged".
DATA_FIELDS = [
    "name",
    "name_en",
    "city_id",
    "type",
    "status",
    "established_on",
    "registered_capital_wan",
    "legal_representative",
    "industry_code",
    "address",
    "business_scope",
]
_TYPES = set(EnterpriseType.values)
_STATUSES = set(EnterpriseStatus.values)
_MAX_CAPITAL = Decimal("99999999999999.9999")  # max_digits=18, decimal_places=4


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unreadable, wrong columns)."""


@dataclass
class RowError:
    line: int
    column: str
    value: str
    rule: str


ProgressCallback = Callable[[ImportJob], None]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    return str(value).strip()


def validate_row(line: int, row: dict[str, str], city_codes: set[str]) -> tuple[dict[str, Any] | None, list[RowError]]:
    """The row's values for the model, or the rules it breaks (every broken column, not just the first)."""
    errors: list[RowError] = []
    values: dict[str, Any] = {}

    def fail(column: str, rule: str) -> None:
        errors.append(RowError(line, column, row.get(column, "")[:255], rule))

    uscc = row["uscc"]
    error = uscc_error(uscc)
    if error is not None:
        fail("uscc", str(error))
    values["uscc"] = uscc
    for column, limit in (("name", 200), ("legal_representative", 64), ("address", 255), ("name_en", 255)):
        value = row.get(column, "")
        if not value and column != "name_en":
            fail(column, _("This column must not be empty."))
        elif len(value) > limit:
            fail(column, _("At most %(limit)d characters.") % {"limit": limit})
        values[column] = value
    if row["city_code"] not in city_codes:
        fail("city_code", _("The division code of one of the nine corridor cities (GB/T 2260), e.g. 310117."))
    values["city_id"] = row["city_code"]
    if row["type"] not in _TYPES:
        fail("type", _("One of: %(choices)s.") % {"choices": ", ".join(EnterpriseType.values)})
    values["type"] = row["type"]
    if row["status"] not in _STATUSES:
        fail("status", _("One of: %(choices)s.") % {"choices": ", ".join(EnterpriseStatus.values)})
    values["status"] = row["status"]
    try:
        established = dt.date.fromisoformat(row["established_on"])
        if len(row["established_on"]) != 10:
            raise ValueError
        if established > dt.date.today():  # noqa: DTZ011 - a calendar date
            fail("established_on", _("The establishment date cannot be in the future."))
        values["established_on"] = established
    except ValueError:
        fail("established_on", _("An ISO date, YYYY-MM-DD."))
    try:
        capital = Decimal(row["registered_capital_wan"])
        if not capital.is_finite() or capital < 0:
            fail("registered_capital_wan", _("A non-negative decimal number (10,000 yuan)."))
        elif capital > _MAX_CAPITAL or capital.as_tuple().exponent < -4:  # type: ignore[operator]
            fail("registered_capital_wan", _("At most 14 digits before and 4 after the decimal point."))
        values["registered_capital_wan"] = capital
    except InvalidOperation:
        fail("registered_capital_wan", _("A non-negative decimal number (10,000 yuan)."))
    error = industry_class_error(row["industry_code"])
    if error is not None:
        fail("industry_code", str(error))
    values["industry_code"] = row["industry_code"]
    values["business_scope"] = row.get("business_scope", "")
    return (None, errors) if errors else (values, [])


def _check_header(header: list[str]) -> list[str]:
    header = [_text(name).lstrip("\ufeff") for name in header]
    while header and header[-1] == "":
        header.pop()
    missing = [name for name in COLUMNS if name not in header]
    unknown = [name for name in header if name not in COLUMNS and name not in OPTIONAL_COLUMNS]
    if missing or unknown or len(set(header)) != len(header):
        raise ImportFileError(
            _("Line 1: the columns must be %(columns)s (missing: %(missing)s; unknown: %(unknown)s).")
            % {
                "columns": ",".join(COLUMNS),
                "missing": ",".join(missing) or "-",
                "unknown": ",".join(unknown) or "-",
            }
        )
    return header


class _Source:
    """Rows of a CSV or XLSX file as (line number, {column: text}), with progress in bytes or rows."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.done = 0
        self.total = 0
        self._file: IO[bytes] | None = None

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        if self.path.suffix.lower() == ".xlsx":
            yield from self._xlsx_rows()
        else:
            yield from self._csv_rows()

    def _csv_rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        self.total = self.path.stat().st_size
        with self.path.open("rb") as raw:

            def lines() -> Iterator[str]:
                for number, chunk in enumerate(raw):
                    self.done += len(chunk)
                    try:
                        yield chunk.decode("utf-8-sig" if number == 0 else "utf-8")
                    except UnicodeDecodeError as exc:
                        raise ImportFileError(_("The file is not UTF-8 text.")) from exc

            reader = csv.reader(lines())
            try:
                header = _check_header(next(reader))
            except StopIteration as exc:
                raise ImportFileError(_("The file is empty.")) from exc
            width = len(header)
            for record in reader:
                if not any(cell.strip() for cell in record):
                    continue
                cells = [cell.strip() for cell in record]
                if len(cells) < width:
                    cells += [""] * (width - len(cells))
                yield reader.line_num, dict(zip(header, cells[:width], strict=True))

    def _xlsx_rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        from openpyxl import load_workbook

        try:
            book = load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ImportFileError(_("The file is not a readable XLSX workbook.")) from exc
        try:
            sheet = book.worksheets[0]
            self.total = sheet.max_row or 0
            rows = sheet.iter_rows(values_only=True)
            try:
                header = _check_header([_text(cell) for cell in next(rows)])
            except StopIteration as exc:
                raise ImportFileError(_("The file is empty.")) from exc
            width = len(header)
            for number, record in enumerate(rows, start=2):
                self.done = number
                cells = [_text(cell) for cell in record][:width]
                if not any(cells):
                    continue
                cells += [""] * (width - len(cells))
                yield number, dict(zip(header, cells, strict=True))
        finally:
            book.close()


def import_job_create(*, acting_user: User | None, path: Path, file_name: str = "") -> ImportJob:
    return ImportJob.objects.create(
        file_name=file_name or path.name, file_path=str(path), created_by=acting_user, modified_by=acting_user
    )


# The columns a new row gets, in the order of _insert's tuples.
_INSERT_COLUMNS = [
    "public_id",
    "created_on",
    "modified_on",
    "created_by_id",
    "modified_by_id",
    "archived",
    "archived_reason",
    "uscc",
    "name",
    "name_en",
    "type",
    "status",
    "city_id",
    "established_on",
    "registered_capital_wan",
    "legal_representative",
    "legal_representative_id_number",
    "industry_code",
    "address",
    "business_scope",
    "source",
    "search_text",
]


def _insert(rows: list[dict[str, Any]], *, actor_id: int | None, now: dt.datetime) -> None:
    """Insert new rows with one prepared statement (executemany). Django's bulk_create prepares every field of
    every object in Python, which cost most of an import's time; the values here are already validated, so they
    only need the database's representation (the FTS5 trigger / GIN index pick up `search_text`)."""
    if not rows:
        return
    ops = connection.ops
    sqlite = connection.vendor == "sqlite"
    stamp = ops.adapt_datetimefield_value(now)
    table = Enterprise._meta.db_table
    sql = (
        f"INSERT INTO {table} ({', '.join(_INSERT_COLUMNS)}) "  # noqa: S608 - fixed table and column names
        f"VALUES ({', '.join(['%s'] * len(_INSERT_COLUMNS))})"
    )
    params = [
        (
            uuid.uuid4().hex if sqlite else uuid.uuid4(),
            stamp,
            stamp,
            actor_id,
            actor_id,
            False,
            "",
            v["uscc"],
            v["name"],
            v["name_en"],
            v["type"],
            v["status"],
            v["city_id"],
            v["established_on"].isoformat() if sqlite else v["established_on"],
            str(v["registered_capital_wan"]) if sqlite else v["registered_capital_wan"],
            v["legal_representative"],
            "",
            v["industry_code"],
            v["address"],
            v["business_scope"],
            EnterpriseSource.IMPORT.value,
            search_text_for(v["name"], v["name_en"]),
        )
        for v in rows
    ]
    with connection.cursor() as cursor:
        if sqlite:
            cursor.executemany(sql, params)
            return
        # PostgreSQL: COPY is several times faster than INSERT for thousands of rows (psycopg 3).
        with cursor.cursor.copy(f"COPY {table} ({', '.join(_INSERT_COLUMNS)}) FROM STDIN") as copy:
            for row in params:
                copy.write_row(row)


def _write_batch(
    job: ImportJob, batch: dict[str, tuple[int, dict[str, Any]]], errors: list[RowError], last_line: int
) -> None:
    """Write one batch of good rows (keyed by USCC, the last row of a USCC wins), its errors and the progress."""
    now = timezone.now()
    actor = job.created_by
    with transaction.atomic():
        existing = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=list(batch)).only("id", "uscc", *DATA_FIELDS)}
        created: list[dict[str, Any]] = []
        updated: list[Enterprise] = []
        changes: list[EnterpriseChange] = []
        for uscc, (_line, values) in batch.items():
            row = existing.get(uscc)
            if row is None:
                created.append(values)
                continue
            before = {f: getattr(row, f) for f in DATA_FIELDS if getattr(row, f) != values[f]}
            if not before:
                job.rows_unchanged += 1
                continue
            for field in before:
                setattr(row, field, values[field])
            row.search_text = search_text_for(row.name, row.name_en)
            row.modified_on = now
            row.modified_by = actor
            updated.append(row)
            changes.append(
                EnterpriseChange(
                    enterprise=row,
                    actor=actor,
                    action="enterprise.import",
                    import_job=job,
                    before={k: str(v) for k, v in before.items()},
                    after={k: str(values[k]) for k in before},
                )
            )
        _insert(created, actor_id=actor.pk if actor is not None else None, now=now)
        if updated:
            Enterprise.objects.bulk_update(
                updated, [*DATA_FIELDS, "search_text", "modified_on", "modified_by"], batch_size=500
            )
            EnterpriseChange.objects.bulk_create(changes, batch_size=BATCH_SIZE)
        ImportRowError.objects.bulk_create(
            [ImportRowError(job=job, line=e.line, column=e.column, value=e.value, rule=e.rule) for e in errors],
            batch_size=BATCH_SIZE,
        )
        job.rows_created += len(created)
        job.rows_updated += len(updated)
        job.rows_invalid += len({e.line for e in errors})
        job.last_committed_line = last_line
        job.save(
            update_fields=[
                "rows_created",
                "rows_updated",
                "rows_unchanged",
                "rows_invalid",
                "last_committed_line",
                "lines_read",
                "progress_done",
                "progress_total",
                "status",
                "modified_on",
            ]
        )


def import_job_run(
    job: ImportJob, *, progress: ProgressCallback | None = None, batch_size: int = BATCH_SIZE
) -> ImportJob:
    """Run (or resume, after `last_committed_line`) an import job to its end."""
    if job.status == ImportJobStatus.DONE:
        return job
    city_codes = set(City.objects.values_list("code", flat=True))
    source = _Source(Path(job.file_path))
    resume_after = job.last_committed_line
    job.status = ImportJobStatus.RUNNING
    job.failure = ""
    job.save(update_fields=["status", "failure", "modified_on"])
    batch: dict[str, tuple[int, dict[str, Any]]] = {}
    errors: list[RowError] = []
    pending = 0
    line = resume_after
    try:
        for line, row in source.rows():
            if line <= resume_after:
                continue
            values, row_errors = validate_row(line, row, city_codes)
            if values is None:
                errors.extend(row_errors)
            else:
                batch[values["uscc"]] = (line, values)
            pending += 1
            if pending >= batch_size:
                job.lines_read, job.progress_done, job.progress_total = line, source.done, source.total
                _write_batch(job, batch, errors, line)
                batch, errors, pending = {}, [], 0
                if progress is not None:
                    progress(job)
        job.lines_read, job.progress_done, job.progress_total = line, source.total, source.total
        job.status = ImportJobStatus.DONE
        _write_batch(job, batch, errors, line)
    except ImportFileError as exc:
        job.status = ImportJobStatus.FAILED
        job.failure = str(exc)
        job.save(update_fields=["status", "failure", "modified_on"])
        if progress is not None:
            progress(job)
        return job
    except BaseException as exc:
        # Anything else (the database gone, Ctrl-C): the committed batches stay and --resume goes on after them.
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.FAILED, failure=repr(exc)[:1000])
        raise
    with transaction.atomic():
        job.finished_on = timezone.now()
        job.save(update_fields=["finished_on", "modified_on"])
        audit_record(actor=job.created_by, action="enterprise.import", obj=job, after=import_job_summary(job))
    if progress is not None:
        progress(job)
    return job


def import_job_summary(job: ImportJob) -> dict[str, Any]:
    return {
        "file": job.file_name,
        "status": job.status,
        "lines": job.lines_read,
        "created": job.rows_created,
        "updated": job.rows_updated,
        "unchanged": job.rows_unchanged,
        "invalid": job.rows_invalid,
    }


def error_report_rows(job: ImportJob) -> Iterator[list[str]]:
    """The job's error report as CSV rows: line, column, value, rule."""
    yield ["line", "column", "value", "rule"]
    for error in job.errors.order_by("line", "id").iterator(chunk_size=2000):
        yield [str(error.line), error.column, error.value, error.rule]
