"""Import of enterprises from CSV or XLSX: every row validated, good rows written or updated by USCC in batches.

Memory stays bounded: the file is read row by row (csv over the byte stream; openpyxl in read-only mode) and only
a few chunks of rows are held at a time. Each batch is one transaction that writes its good rows, its rows' errors
and the job's progress (`last_committed_line`) together, so a stopped import says exactly which rows are in and
`--resume` goes on after them. Rows that break a rule are never written; re-importing a file changes nothing
(unchanged rows are neither written nor recorded in the history). The audit trail gets one summary event per job.

Speed (docs/search.md, benchmarks/registry.py): reading, checking and preparing rows is pure Python and holds the
GIL, while the database work (SQLite's B-trees, PostgreSQL's server) does not. So a reader thread reads and checks
the file while the calling thread writes the previous chunk: the two overlap on two cores. The calling thread keeps
every database access (Django connections are per thread, and tests run inside the caller's transaction), except
in a large load on PostgreSQL, written by several writer threads with a connection each (_PartitionWriter); a
large load also sets the register's search indexes aside until its end (import_indexes.py).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import os
import queue
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone, translation

from g60.accounts.models import User
from g60.audit.services import audit_record
from g60.regions.models import City
from g60.registry.constants import EnterpriseSource, EnterpriseStatus, EnterpriseType, ImportJobStatus
from g60.registry.identifiers import uscc_rule
from g60.registry.import_indexes import (
    indexes_defer,
    indexes_defer_wanted,
    indexes_restore,
    indexes_restore_quietly,
)
from g60.registry.import_rules import rule_text
from g60.registry.industry import SECTIONS, industry_class_rule
from g60.registry.models import (
    Enterprise,
    EnterpriseChange,
    ImportJob,
    ImportRowError,
    search_text_pairs,
    search_text_stored,
)
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
# Rows per transaction. On SQLite each commit writes every page its rows touched to the WAL and checkpoints them
# into the database: with the register's indexes on random keys (USCC, public id, name, dates) a row touches a
# different page of each, so at a million rows a 2,000-row transaction wrote ~20 KB per row, twice. Larger
# transactions write each page once for many rows (200,000 rows into an 800,000-row register: 2,000 rows per
# transaction 43 s, 20,000 34 s, 50,000 30 s). A 50,000-row transaction takes 2-8 s, inside SQLite's 20 s busy
# timeout for a concurrent writer (readers never wait: WAL) and the upload page's two-minute stall limit.
# PostgreSQL is indifferent to it.
BATCH_SIZE = 50_000
# Rows the reader hands to the writer at a time (and looks up, inserts and reports per statement): small enough
# that the two threads overlap closely and memory stays a few megabytes, large enough that the per-statement cost
# is spread thin.
CHUNK_SIZE = 2000
# A file of at least this many rows is a large load: on PostgreSQL it is written by POSTGRES_WRITERS connections
# at once. One connection is one server process, and a load through one keeps one core busy with the database's
# work (checking keys, the search vector, the indexes) while the others wait; two spread it (docs/search.md).
IMPORT_LARGE_ROWS = 100_000
POSTGRES_WRITERS = 2
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


def _max_length(name: str) -> int:
    limit = getattr(Enterprise._meta.get_field(name), "max_length", None)
    if not isinstance(limit, int):
        raise ImproperlyConfigured(f"Enterprise.{name} has no max_length: the import cannot check it")
    return limit


# The text columns and the longest value each takes: the model's max_length, defined there only. The first three
# must not be empty.
TEXT_LIMITS = {
    name: _max_length(name) for name in ("name", "legal_representative", "address", "name_en", "business_scope")
}
_REQUIRED_TEXT = frozenset({"name", "legal_representative", "address"})
# SQLite page cache for the import's connection (KiB), instead of the default 2 MB: the index pages a transaction
# touches stay in memory until its commit instead of being read again and spilled to the WAL mid-transaction
# (200,000 rows into an empty register: 24 s with 2 MB, 16 s with 128 MB). The import process peaks at about
# 240 MB with it (about 95 MB of Python, Django and chunks in flight, the rest this cache).
SQLITE_IMPORT_CACHE_KIB = 128 * 1024

# The fast path's rules, each a subset of validate_row's (a row failing any of them goes through validate_row,
# which says which rule it breaks, or accepts it after all).
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CAPITAL = re.compile(r"[0-9]{1,14}(?:\.[0-9]{1,4})?")
_INDUSTRY_CLASSES = frozenset(
    f"{section.letter}{division:02d}{n:02d}"
    for section in SECTIONS
    for division in range(section.first_division, section.last_division + 1)
    for n in range(100)
)


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unreadable, wrong columns): a code of import_rules.RULES and its
    parameters, stored on the job as they are; str() is the reason in the active language."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        return rule_text(self.code, self.params)


@dataclass
class RowError:
    """A rule a row breaks, as data: the rule's code and parameters (import_rules.py), rendered when read."""

    line: int
    column: str
    value: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def rule(self) -> str:
        """The rule in the active language."""
        return rule_text(self.code, self.params)


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
    """The row's values for the model, or the rules it breaks (every broken column, not just the first), as codes
    and parameters (import_rules.py): no text, so the errors can be read in any language."""
    errors: list[RowError] = []
    values: dict[str, Any] = {}

    def fail(column: str, code: str, **params: Any) -> None:
        # The value is stored in the error report: PostgreSQL refuses a NUL in text.
        errors.append(RowError(line, column, row.get(column, "")[:255].replace("\x00", "\ufffd"), code, params))

    uscc = row["uscc"]
    rule = uscc_rule(uscc)
    if rule is not None:
        fail("uscc", rule)
    values["uscc"] = uscc
    for column, limit in TEXT_LIMITS.items():
        value = row.get(column, "")
        if not value and column in _REQUIRED_TEXT:
            fail(column, "required")
        elif len(value) > limit:
            fail(column, "max_length", limit=limit)
        elif "\x00" in value:
            fail(column, "null_character")
        values[column] = value
    if row["city_code"] not in city_codes:
        fail("city_code", "city_code")
    values["city_id"] = row["city_code"]
    if row["type"] not in _TYPES:
        fail("type", "choice", choices=", ".join(EnterpriseType.values))
    values["type"] = row["type"]
    if row["status"] not in _STATUSES:
        fail("status", "choice", choices=", ".join(EnterpriseStatus.values))
    values["status"] = row["status"]
    try:
        established = dt.date.fromisoformat(row["established_on"])
        if len(row["established_on"]) != 10:
            raise ValueError
        if established > dt.date.today():  # noqa: DTZ011 - a calendar date
            fail("established_on", "date_future")
        values["established_on"] = established
    except ValueError:
        fail("established_on", "date_iso")
    try:
        capital = Decimal(row["registered_capital_wan"])
        if not capital.is_finite() or capital < 0:
            fail("registered_capital_wan", "capital_non_negative")
        elif capital > _MAX_CAPITAL or capital.as_tuple().exponent < -4:  # type: ignore[operator]
            fail("registered_capital_wan", "capital_digits")
        values["registered_capital_wan"] = capital
    except InvalidOperation:
        fail("registered_capital_wan", "capital_non_negative")
    rule = industry_class_rule(row["industry_code"])
    if rule is not None:
        fail("industry_code", rule)
    values["industry_code"] = row["industry_code"]
    return (None, errors) if errors else (values, [])


# A good row as the writer gets it: text in the database's input form (ISO date, decimal digits), then its
# search_text. The same order as _ROW_COLUMNS after the public id.
Prepared = tuple[str, ...]
_PREPARED_FIELDS = [
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


def _prepared_from_values(values: dict[str, Any]) -> Prepared:
    return (
        *(str(values[name]) for name in _PREPARED_FIELDS),
        search_text_stored(values["name"], values["name_en"]),
    )


def _values_from_prepared(row: Prepared) -> dict[str, Any]:
    """The model values validate_row gives for the row (a Decimal and a date), to compare with a stored row."""
    values: dict[str, Any] = dict(zip(_PREPARED_FIELDS, row, strict=False))
    values["established_on"] = dt.date.fromisoformat(values["established_on"])
    values["registered_capital_wan"] = Decimal(values["registered_capital_wan"])
    return values


def _row_checker(header: list[str], city_codes: set[str]) -> Callable[[list[str], str], Prepared | None]:
    """A check of one row's cells, for the common case: the prepared row when every column is plainly valid, None
    when anything needs a closer look (then validate_row decides, and names the rules broken).

    It costs a few microseconds per row where validate_row (a dict, a Decimal, a parsed date, messages) costs
    several times more, and it accepts only what validate_row accepts: a USCC without an error, non-empty names
    within their lengths, known codes, an industry class of its section, digits for the capital and a real past
    ISO date, text within the model's lengths (TEXT_LIMITS)."""
    at = {name: index for index, name in enumerate(header)}
    i_uscc, i_name, i_city, i_type, i_status, i_est, i_capital, i_rep, i_industry, i_address, i_scope = (
        at[name] for name in COLUMNS
    )
    i_name_en = at.get("name_en")
    types, statuses, industries = _TYPES, _STATUSES, _INDUSTRY_CLASSES
    capital_ok, date_ok, fromisoformat = _CAPITAL.fullmatch, _ISO_DATE.fullmatch, dt.date.fromisoformat
    name_max, rep_max, address_max, name_en_max, scope_max = (
        TEXT_LIMITS[name] for name in ("name", "legal_representative", "address", "name_en", "business_scope")
    )
    pairs = search_text_pairs()  # the database's form of the search text, once for every row

    def check(cells: list[str], today: str) -> Prepared | None:
        uscc, name, city, kind, status = cells[i_uscc], cells[i_name], cells[i_city], cells[i_type], cells[i_status]
        established, capital, rep, industry = cells[i_est], cells[i_capital], cells[i_rep], cells[i_industry]
        address, scope = cells[i_address], cells[i_scope]
        name_en = cells[i_name_en] if i_name_en is not None else ""
        if not (
            0 < len(name) <= name_max
            and 0 < len(rep) <= rep_max
            and 0 < len(address) <= address_max
            and len(name_en) <= name_en_max
            and len(scope) <= scope_max
            and city in city_codes
            and kind in types
            and status in statuses
            and industry in industries
            and capital_ok(capital)
            and date_ok(established)
            and established <= today  # both YYYY-MM-DD: text order is date order
            and uscc_rule(uscc) is None
        ):
            return None
        try:
            fromisoformat(established)  # 2019-02-30 has the shape but is no date
        except ValueError:
            return None
        if "\x00" in name or "\x00" in rep or "\x00" in address or "\x00" in name_en or "\x00" in scope:
            return None  # PostgreSQL refuses a NUL in text: validate_row names the cell
        return (uscc, name, name_en, kind, status, city, established, capital, rep, industry, address, scope,
                search_text_for(name, name_en, pairs=pairs))  # fmt: skip

    return check


def _check_header(header: list[str]) -> list[str]:
    header = [_text(name).lstrip("\ufeff") for name in header]
    while header and header[-1] == "":
        header.pop()
    missing = [name for name in COLUMNS if name not in header]
    unknown = [name for name in header if name not in COLUMNS and name not in OPTIONAL_COLUMNS]
    if missing or unknown or len(set(header)) != len(header):
        raise ImportFileError(
            "file_columns",
            columns=",".join(COLUMNS),
            missing=",".join(missing) or "-",
            unknown=",".join(unknown) or "-",
        )
    return header


class _Source:
    """Rows of a CSV or XLSX file as (line number, cells in `header` order), with progress in bytes or rows.

    `header` is set once the first row is asked for; blank rows are skipped; cells are stripped and there are
    exactly as many as columns."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.header: list[str] = []
        self.done = 0
        self.total = 0
        self._raw: IO[bytes] | None = None

    def progress(self) -> tuple[int, int]:
        if self._raw is not None and not self._raw.closed:
            self.done = self._raw.tell()  # bytes read so far (ahead of the rows by at most a buffer)
        return self.done, self.total

    def estimated_rows(self, sample_bytes: int = 1 << 20) -> int:
        """About how many rows a CSV file holds (from the lines of its first megabyte); 0 for an XLSX workbook,
        an unreadable file or one whose first line is not the import's header."""
        if self.path.suffix.lower() == ".xlsx":
            return 0
        try:
            size = self.path.stat().st_size
            with self.path.open("rb") as raw:
                sample = raw.read(sample_bytes)
        except OSError:
            return 0  # the reader meets the same error and the job fails with it
        first, _newline, rest = sample.partition(b"\n")
        try:
            _check_header(next(csv.reader([first.decode("utf-8-sig")])))
        except (UnicodeDecodeError, StopIteration, ImportFileError):
            return 0
        if len(sample) == size:
            return rest.count(b"\n") + (1 if rest and not rest.endswith(b"\n") else 0)
        return int((size - len(first) - 1) * rest.count(b"\n") / max(1, len(rest)))

    def rows(self) -> Generator[tuple[int, list[str]]]:
        if self.path.suffix.lower() == ".xlsx":
            yield from self._xlsx_rows()
        else:
            yield from self._csv_rows()

    def _csv_rows(self) -> Iterator[tuple[int, list[str]]]:
        self.total = self.path.stat().st_size
        with self.path.open("rb") as raw:
            self._raw = raw
            # One decoder over the stream (not a decode per line); utf-8-sig drops a byte-order mark.
            reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
            try:
                try:
                    self.header = _check_header(next(reader))
                except StopIteration as exc:
                    raise ImportFileError("file_empty") from exc
                width = len(self.header)
                strip = str.strip
                for record in reader:
                    cells = list(map(strip, record))
                    if not any(cells):
                        continue
                    if len(cells) != width:
                        cells = (cells + [""] * width)[:width]
                    yield reader.line_num, cells
            except UnicodeDecodeError as exc:
                raise ImportFileError("file_not_utf8") from exc
            except csv.Error as exc:
                # A cell over the csv module's limit, most often a quotation mark left open that swallows the rest
                # of the file (the job failed with a bare `Error(...)`, and a request importing in-line with 500).
                raise ImportFileError("file_cell_too_long", line=reader.line_num, limit=csv.field_size_limit()) from exc

    def _xlsx_rows(self) -> Iterator[tuple[int, list[str]]]:
        from openpyxl import load_workbook

        try:
            book = load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ImportFileError("file_not_xlsx") from exc
        try:
            sheet = book.worksheets[0]
            self.total = sheet.max_row or 0
            rows = sheet.iter_rows(values_only=True)
            try:
                self.header = _check_header([_text(cell) for cell in next(rows)])
            except StopIteration as exc:
                raise ImportFileError("file_empty") from exc
            width = len(self.header)
            for number, record in enumerate(rows, start=2):
                self.done = number
                cells = [_text(cell) for cell in record][:width]
                if not any(cells):
                    continue
                cells += [""] * (width - len(cells))
                yield number, cells
        except ImportFileError:
            raise
        except Exception as exc:
            # A workbook that opens but whose sheet is missing or cut short (IndexError, an XML ParseError, ...):
            # the same refusal as one that does not open, not a traceback.
            raise ImportFileError("file_not_xlsx") from exc
        finally:
            book.close()


def _partition_of(uscc: str, partitions: int) -> int:
    """Which writer a row goes to (import_job_run's `writers`): by the USCC's last character (its check
    character, spread over 31 values), so that a USCC always goes to the same one whatever the process (Python's
    hash() of a str differs per process, and a resumed job must split the file as the stopped one did)."""
    return ord(uscc[-1]) % partitions if uscc and partitions > 1 else 0


@dataclass
class _Part:
    """A chunk's rows for one writer: the good ones by USCC (the last row of a USCC wins), the errors."""

    rows: dict[str, Prepared] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)


@dataclass
class _Chunk:
    """Up to CHUNK_SIZE rows read and checked, split into one part per writer."""

    parts: list[_Part]
    count: int = 0  # rows read, good or bad
    last_line: int = 0
    done: int = 0
    total: int = 0
    last: bool = False  # the end of the file


class _Reader:
    """Reads and checks the file in a thread of its own, a few chunks ahead of the writer.

    The thread touches no database; it checks rows with the caller's city codes. A row's errors are codes, in no
    language; a file that cannot be read is refused in the caller's language (messages are translated per
    thread). Whatever it raises, ImportFileError included, is raised again by `next()` in the caller."""

    def __init__(self, source: _Source, *, resume_after: list[int], city_codes: set[str], chunk_size: int) -> None:
        """`resume_after`: per writer, the last line it committed (rows up to it are skipped)."""
        self._source = source
        self._resume_after = resume_after
        self._city_codes = city_codes
        self._chunk_size = chunk_size
        self._language = translation.get_language()
        # Two chunks ahead at most: memory stays bounded whatever the writer's pace.
        self._queue: queue.Queue[_Chunk | BaseException] = queue.Queue(maxsize=2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="g60-import-reader", daemon=True)

    def __enter__(self) -> _Reader:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def next(self) -> _Chunk:
        item = self._queue.get()
        if isinstance(item, BaseException):
            raise item
        return item

    def _put(self, item: _Chunk | BaseException) -> bool:
        while not self._stop.is_set():
            with contextlib.suppress(queue.Full):
                self._queue.put(item, timeout=0.1)
                return True
        return False

    def _run(self) -> None:
        try:
            with translation.override(self._language):
                self._read()
        except BaseException as exc:  # handed to the caller, which decides
            self._put(exc)

    def _read(self) -> None:
        source, resume_after, city_codes, size = self._source, self._resume_after, self._city_codes, self._chunk_size
        partitions = len(resume_after)
        after = min(resume_after)
        check: Callable[[list[str], str], Prepared | None] | None = None
        i_uscc = 0
        today = dt.date.today().isoformat()  # noqa: DTZ011 - a calendar date
        chunk = _Chunk([_Part() for _ in range(partitions)])
        line = after
        for line, cells in source.rows():
            if line <= after:
                continue
            if check is None:
                check = _row_checker(source.header, city_codes)
                i_uscc = source.header.index("uscc")
            number = _partition_of(cells[i_uscc], partitions)
            if line <= resume_after[number]:
                continue  # that writer committed it before the job stopped
            part = chunk.parts[number]
            prepared = check(cells, today)
            if prepared is None:
                values, errors = validate_row(line, dict(zip(source.header, cells, strict=True)), city_codes)
                if values is None:
                    part.errors.extend(errors)
                else:
                    prepared = _prepared_from_values(values)
            if prepared is not None:
                part.rows[prepared[0]] = prepared
            chunk.count += 1
            if chunk.count >= size:
                chunk.last_line = line
                chunk.done, chunk.total = source.progress()
                if not self._put(chunk):
                    return
                chunk = _Chunk([_Part() for _ in range(partitions)])
                today = dt.date.today().isoformat()  # noqa: DTZ011 - a calendar date
        chunk.last_line, chunk.last = line, True
        chunk.done = chunk.total = source.progress()[1]
        self._put(chunk)


# The columns of a new row: the same for the whole transaction, then per row (the public id, then a Prepared).
_CONSTANT_COLUMNS = [
    "created_on",
    "modified_on",
    "created_by_id",
    "modified_by_id",
    "archived",
    "archived_reason",
    "legal_representative_id_number",
    "source",
]
_ROW_COLUMNS = ["public_id", *_PREPARED_FIELDS, "search_text"]


def _public_ids(count: int) -> list[str]:
    """`count` time-ordered UUIDs (version 7, RFC 9562) as 32 hex digits: the time in milliseconds, a counter
    (rand_a, RFC 9562 §6.2 method 1) that keeps one chunk's ids in order, then 62 random bits.

    Time order is for the unique index on public_id: random (version 4) ids put each new row on a random page of
    it, so a large import touched (and on PostgreSQL wrote in full to the WAL after every checkpoint) most of the
    index; ordered ids are appended at its right edge. Rows made one by one keep Django's uuid4 default."""
    head = f"{(time.time_ns() // 1_000_000) & 0xFFFF_FFFF_FFFF:012x}7"
    random_bits = os.urandom(8 * count)
    ids = []
    for i in range(count):
        tail = int.from_bytes(random_bits[8 * i : 8 * i + 8]) & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000
        ids.append(f"{head}{i & 0xFFF:03x}{tail:016x}")
    return ids


@dataclass
class _Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0


# COPY's text format: columns separated by tabs, rows by newlines, these four escaped, NULL as \N.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text_value(value: object) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value).translate(_COPY_ESCAPES)


def _copy_text(constants: tuple[object, ...], ids: list[str], rows: list[Prepared]) -> bytes:
    """The rows as COPY text, built with str.join: psycopg's write_row adapts every value on its own (12 µs a
    row against 3 µs for this, docs/search.md); these are checked strings already, and only a row holding a tab,
    newline, carriage return or backslash needs escaping (found by counting and `in`: scans at C speed)."""
    head = "\t".join(_copy_text_value(value) for value in constants) + "\t"
    tabs = len(_ROW_COLUMNS) - 1
    lines = []
    for public_id, row in zip(ids, rows, strict=True):
        line = public_id + "\t" + "\t".join(row)
        if line.count("\t") != tabs or "\n" in line or "\r" in line or "\\" in line:
            line = public_id + "\t" + "\t".join(value.translate(_COPY_ESCAPES) for value in row)
        lines.append(head + line)
    lines.append("")
    return "\n".join(lines).encode()


class _Writer:
    """Writes parts on the connection of the thread that uses it, inside that thread's transaction, counting
    what it did in `counts` (which the caller adds to the job when the transaction commits)."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.counts = _Counts()
        self.sqlite = connection.vendor == "sqlite"
        self._restore: list[str] = []

    def __enter__(self) -> _Writer:
        if self.sqlite:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size")
                (cache_size,) = cursor.fetchone()
                self._restore.append(f"PRAGMA cache_size = {int(cache_size)}")
                cursor.execute(f"PRAGMA cache_size = -{SQLITE_IMPORT_CACHE_KIB}")
        return self

    def __exit__(self, *exc_info: object) -> None:
        # The connection's own settings come back; if the connection is gone there is nothing to restore.
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            for statement in self._restore:
                cursor.execute(statement)

    def write(self, part: _Part, now: dt.datetime) -> None:
        """Insert the part's new rows, update its changed ones (with history) and record its errors."""
        job, counts = self.job, self.counts
        actor = job.created_by
        rows = part.rows
        found = self._existing(list(rows)) if rows else set()
        if found:
            rows = {uscc: row for uscc, row in rows.items() if uscc not in found}
            updated, changes = self._changes({uscc: part.rows[uscc] for uscc in found}, now)
            if updated:
                Enterprise.objects.bulk_update(
                    updated, [*DATA_FIELDS, "search_text", "modified_on", "modified_by"], batch_size=500
                )
                EnterpriseChange.objects.bulk_create(changes, batch_size=CHUNK_SIZE)
            counts.updated += len(updated)
        if rows:
            self._insert(list(rows.values()), actor_id=actor.pk if actor is not None else None, now=now)
            counts.created += len(rows)
        if part.errors:
            ImportRowError.objects.bulk_create(
                ImportRowError(job=job, line=e.line, column=e.column, value=e.value, code=e.code, params=e.params)
                for e in part.errors
            )
            counts.invalid += len({e.line for e in part.errors})

    def _existing(self, usccs: list[str]) -> set[str]:
        """Which of the USCCs are in the register (usually none): one indexed query, no model instances."""
        table = Enterprise._meta.db_table
        with connection.cursor() as cursor:
            if self.sqlite:
                # The driver's cursor: Django would rewrite thousands of %s placeholders on every call.
                marks = ", ".join(["?"] * len(usccs))
                sql = f"SELECT uscc FROM {table} WHERE uscc IN ({marks})"  # noqa: S608 - fixed names
                return {uscc for (uscc,) in cursor.cursor.execute(sql, usccs).fetchall()}
            # One text parameter split by the server: psycopg's client-side binding (Django's default) quotes a
            # list into an array literal in Python, a tenth of the writer's time. A USCC never holds a comma.
            cursor.execute(
                f"SELECT uscc FROM {table} WHERE uscc = ANY(string_to_array(%s, ','))",  # noqa: S608 - fixed
                [",".join(usccs)],
            )
            return {uscc for (uscc,) in cursor.fetchall()}

    def _changes(self, rows: dict[str, Prepared], now: dt.datetime) -> tuple[list[Enterprise], list[EnterpriseChange]]:
        job = self.job
        actor = job.created_by
        updated: list[Enterprise] = []
        changes: list[EnterpriseChange] = []
        for row in Enterprise.objects.filter(uscc__in=list(rows)).only("id", "uscc", *DATA_FIELDS):
            values = _values_from_prepared(rows[row.uscc])
            before = {f: getattr(row, f) for f in DATA_FIELDS if getattr(row, f) != values[f]}
            if not before:
                self.counts.unchanged += 1
                continue
            for name in before:
                setattr(row, name, values[name])
            row.search_text = rows[row.uscc][-1]
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
        return updated, changes

    def _insert(self, rows: list[Prepared], *, actor_id: int | None, now: dt.datetime) -> None:
        """Insert new rows. Django's bulk_create prepares every field of every object in Python; these values are
        checked and already in the database's input form.

        SQLite: one multi-row INSERT per chunk. The FTS5 index is kept by an AFTER INSERT trigger, and FTS5
        flushes its pending terms at the end of every statement: one statement per row (executemany) wrote a tiny
        index segment per row, to be merged again and again, and cost more than the row itself (100,000 rows:
        16 s of CPU against 6 s). One statement writes one segment for its rows, keeps the trigger (so every
        write path stays indexed, docs/search.md) and runs without the GIL for all of them.
        PostgreSQL: COPY, several times faster than INSERT for thousands of rows (the GIN index and the generated
        tsvector column follow by themselves)."""
        table = Enterprise._meta.db_table
        stamp = connection.ops.adapt_datetimefield_value(now)
        constants = (stamp, stamp, actor_id, actor_id, False, "", "", EnterpriseSource.IMPORT.value)
        ids = _public_ids(len(rows))
        columns = ", ".join([*_CONSTANT_COLUMNS, *_ROW_COLUMNS])
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the driver's cursor: no %s rewriting or logging of thousands of parameters
            if not self.sqlite:
                with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    copy.write(_copy_text(constants, ids, rows))
                return
            width = len(_ROW_COLUMNS)
            limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)  # 32,766 by default
            per_statement = max(1, min(CHUNK_SIZE, (limit - len(constants)) // width))
            one = "(" + ", ".join(["?"] * width) + ")"
            head = (
                f"INSERT INTO {table} ({columns}) SELECT {', '.join(['?'] * len(constants))}, "  # noqa: S608 - fixed
                + ", ".join(f"column{i}" for i in range(1, width + 1))
                + " FROM (VALUES "
            )
            for start in range(0, len(rows), per_statement):
                part = range(start, min(start + per_statement, len(rows)))
                params: list[Any] = list(constants)
                for i in part:
                    params.append(ids[i])
                    params.extend(rows[i])
                raw.execute(head + ", ".join([one] * len(part)) + ")", params)


def import_job_create(*, acting_user: User | None, path: Path, file_name: str = "") -> ImportJob:
    return ImportJob.objects.create(
        file_name=file_name or path.name, file_path=str(path), created_by=acting_user, modified_by=acting_user
    )


def import_file_check(path: Path) -> None:
    """Raise ImportFileError (or OSError) when the file as a whole cannot be imported, as far as its header and
    first row show: empty, not UTF-8, not a workbook, other columns. `g60 import-enterprises` asks before it
    makes a job, so that a file refused outright leaves nothing behind (a job would fail on it anyway)."""
    rows = _Source(path).rows()
    try:
        next(rows, None)
    finally:
        rows.close()  # closes the file or workbook


def import_writers_check(writers: int) -> None:
    """Raise ValueError, naming every reason, when `writers` connections cannot write an import here
    (import_job_run's `writers`)."""
    if writers <= 1:
        return
    reasons = []
    if connection.vendor == "sqlite":
        reasons.append("several writers need PostgreSQL: SQLite writes one transaction at a time")
    if connection.in_atomic_block:
        reasons.append("an import with several writers cannot run inside a transaction")
    if reasons:
        raise ValueError("; ".join(reasons))


def _job_failed(job: ImportJob, error: ImportFileError, progress: ProgressCallback | None) -> ImportJob:
    """End a job that cannot go on because of its file: the indexes it set aside are built again (the register
    must not stay without them), then it is marked failed with the reason (its code and parameters, shown in each
    reader's language)."""
    indexes_restore_quietly(job)
    job.status = ImportJobStatus.FAILED
    job.failure, job.failure_code, job.failure_params = "", error.code, error.params
    job.save(update_fields=["status", "failure", "failure_code", "failure_params", "modified_on"])
    if progress is not None:
        progress(job)
    return job


def import_job_run(
    job: ImportJob,
    *,
    progress: ProgressCallback | None = None,
    batch_size: int = BATCH_SIZE,
    defer_indexes: bool | None = None,
    writers: int | None = None,
) -> ImportJob:
    """Run (or resume, after what it committed) an import job to its end, `batch_size` rows per transaction.

    `defer_indexes`: set the register's search indexes aside during the load and build them after it
    (import_indexes.py); None decides by the file's size against the register's, False keeps them.
    `writers`: connections writing at once (_PartitionWriter); None: POSTGRES_WRITERS for a large file on
    PostgreSQL outside a transaction, otherwise one (the caller's). A resumed job keeps its own number."""
    if job.status == ImportJobStatus.DONE:
        return job
    path = Path(job.file_path)
    if not path.is_file():
        # Removed since the upload (a cleaned temporary folder, another server): nothing can be read, so a resume
        # fails saying so instead of with FileNotFoundError (a 500 on the page). Indexes an earlier run set aside
        # are built again: the register must not stay without them.
        return _job_failed(job, ImportFileError("file_gone", path=path.name), progress)
    city_codes = set(City.objects.values_list("code", flat=True))
    source = _Source(path)
    estimate = source.estimated_rows()  # reads the first megabyte
    if job.partition_lines:
        writers = len(job.partition_lines)  # the split of the stopped run, or its rows would be misplaced
    elif job.last_committed_line:
        writers = 1
    elif writers is None:
        large = estimate >= IMPORT_LARGE_ROWS and not connection.in_atomic_block
        writers = POSTGRES_WRITERS if large and connection.vendor == "postgresql" else 1
    import_writers_check(writers)
    job.status = ImportJobStatus.RUNNING
    job.failure, job.failure_code, job.failure_params = "", "", {}
    if writers > 1 and not job.partition_lines:
        job.partition_lines = [job.last_committed_line] * writers
    job.save(update_fields=["status", "failure", "failure_code", "failure_params", "partition_lines", "modified_on"])
    if defer_indexes is None:
        defer_indexes = bool(job.deferred_indexes) or indexes_defer_wanted(estimate)
    if defer_indexes:
        indexes_defer(job)
    resume_after = list(job.partition_lines) if writers > 1 else [job.last_committed_line]
    reader = _Reader(source, resume_after=resume_after, city_codes=city_codes, chunk_size=min(CHUNK_SIZE, batch_size))
    try:
        with reader:
            if writers > 1:
                _write_partitioned(job, reader, writers, batch_size, progress)
            else:
                _write_sequentially(job, reader, batch_size, progress)
    except ImportFileError as exc:
        job.refresh_from_db()  # the counts of the committed batches, not of the one rolled back
        return _job_failed(job, exc, progress)
    except BaseException as exc:
        # Anything else (the database gone, Ctrl-C): the committed batches stay and --resume goes on after them.
        # The indexes set aside are built again if the database still answers; if not, the job keeps their list
        # and --resume builds them.
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.FAILED, failure=repr(exc)[:1000])
        if job.deferred_indexes and not isinstance(exc, DatabaseError):
            indexes_restore_quietly(job)
        raise
    # The job stays running until the indexes it set aside are back: searches are slower until then, and a job
    # stopped now is resumed (it reads no row again, and makes them).
    indexes_restore(job)
    job.status = ImportJobStatus.DONE
    job.save(update_fields=["status", "modified_on"])
    if connection.vendor == "postgresql" and (job.rows_created or job.rows_updated):
        # Fresh statistics at once, so the planner sees the new rows (autovacuum's ANALYZE comes minutes later,
        # and until then search plans assume the old table size): docs/search.md. After a large load, VACUUM
        # too (outside a transaction only): it sets the new rows' hint bits and the visibility map once, instead
        # of the first searches writing hint bits page by page, and lets searches use index-only scans
        # (1,000,000 rows: about 1.2 s).
        large = job.rows_created + job.rows_updated >= IMPORT_LARGE_ROWS and not connection.in_atomic_block
        with connection.cursor() as cursor:
            cursor.execute(f"{'VACUUM (ANALYZE)' if large else 'ANALYZE'} {Enterprise._meta.db_table}")
    with transaction.atomic():
        job.finished_on = timezone.now()
        job.save(update_fields=["finished_on", "modified_on"])
        audit_record(actor=job.created_by, action="enterprise.import", obj=job, after=import_job_summary(job))
    if progress is not None:
        progress(job)
    return job


_PROGRESS_FIELDS = [
    "rows_created",
    "rows_updated",
    "rows_unchanged",
    "rows_invalid",
    "last_committed_line",
    "lines_read",
    "progress_done",
    "progress_total",
    "modified_on",
]


def _write_sequentially(job: ImportJob, reader: _Reader, batch_size: int, progress: ProgressCallback | None) -> None:
    """One writer on the caller's connection: each batch, with the job's counts and last committed line, in one
    transaction."""
    with _Writer(job) as writer:
        counts = writer.counts
        last = False
        while not last:
            with transaction.atomic():
                now = timezone.now()
                rows = 0
                while not last and rows < batch_size:
                    chunk = reader.next()
                    writer.write(chunk.parts[0], now)
                    rows += chunk.count
                    last = chunk.last
                    job.lines_read, job.progress_done, job.progress_total = chunk.last_line, chunk.done, chunk.total
                job.rows_created += counts.created
                job.rows_updated += counts.updated
                job.rows_unchanged += counts.unchanged
                job.rows_invalid += counts.invalid
                job.last_committed_line = job.lines_read
                job.save(update_fields=_PROGRESS_FIELDS)
            writer.counts = counts = _Counts()
            if progress is not None and not last:
                progress(job)


def _write_partitioned(
    job: ImportJob, reader: _Reader, writers: int, batch_size: int, progress: ProgressCallback | None
) -> None:
    """Several writers, each a thread with a connection of its own (on PostgreSQL a server process of its own),
    each taking its part of every chunk (_partition_of). Each commits its batches with its last line in the job's
    `partition_lines`; a row is in the register once its writer's line has passed it."""
    job.created_by  # noqa: B018 - fetched once here, not by each writer
    threads = [_PartitionWriter(job, number, max(1, batch_size // writers)) for number in range(writers)]
    for thread in threads:
        thread.start()
    try:
        last = False
        reported = time.monotonic()
        while not last:
            chunk = reader.next()
            for thread, part in zip(threads, chunk.parts, strict=True):
                thread.give((part, chunk.last_line))
            last = chunk.last
            if time.monotonic() - reported > 0.5 or last:
                ImportJob.objects.filter(pk=job.pk).update(
                    lines_read=chunk.last_line, progress_done=chunk.done, progress_total=chunk.total
                )
                reported = time.monotonic()
                if progress is not None and not last:
                    job.refresh_from_db()
                    progress(job)
        for thread in threads:
            thread.give(_END)
        for thread in threads:
            thread.finish()
    except BaseException:
        for thread in threads:
            thread.abort()
        raise
    job.refresh_from_db()  # the counts and lines the writers committed (last_committed_line: the smallest)


_END = "end"  # to a writer: commit what you hold and stop


class _Aborted(Exception):
    pass


class _PartitionWriter(threading.Thread):
    """One of several writers: takes (part, last line) pairs and commits every `batch_size` rows, together with
    its counts and its last line (job.partition_lines[number]), in its own transaction."""

    def __init__(self, job: ImportJob, number: int, batch_size: int) -> None:
        super().__init__(name=f"g60-import-writer-{number}", daemon=True)
        self.job, self.number, self.batch_size = job, number, batch_size
        self.error: BaseException | None = None
        self._queue: queue.Queue[tuple[_Part, int] | str] = queue.Queue(maxsize=2)
        self._abort = threading.Event()
        self._language = translation.get_language()

    def give(self, item: tuple[_Part, int] | str) -> None:
        """Hand it an item, or raise the error it stopped with."""
        while True:
            if self.error is not None:
                raise self.error
            if not self.is_alive():
                raise RuntimeError(f"{self.name} stopped")
            with contextlib.suppress(queue.Full):
                self._queue.put(item, timeout=0.1)
                return

    def finish(self) -> None:
        self.join()
        if self.error is not None:
            raise self.error

    def abort(self) -> None:
        """Roll back the batch it holds and stop (what it committed stays)."""
        self._abort.set()
        self.join()

    def _next(self) -> tuple[_Part, int] | str:
        while not self._abort.is_set():
            with contextlib.suppress(queue.Empty):
                return self._queue.get(timeout=0.1)
        raise _Aborted

    def run(self) -> None:
        try:
            with translation.override(self._language), _Writer(self.job) as writer:
                done = False
                while not done:
                    with transaction.atomic():
                        now = timezone.now()
                        rows, line = 0, None
                        while rows < self.batch_size:
                            item = self._next()
                            if isinstance(item, str):
                                done = True
                                break
                            part, line = item
                            writer.write(part, now)
                            rows += len(part.rows) + len(part.errors)
                        if line is not None:
                            self._commit(writer.counts, line)
                    writer.counts = _Counts()
        except _Aborted:
            pass
        except BaseException as exc:  # handed to the main thread by give() or finish()
            self.error = exc
        finally:
            connection.close()

    def _commit(self, counts: _Counts, line: int) -> None:
        # FOR NO KEY UPDATE: the other writers' inserts of error rows check their key (FOR KEY SHARE) unhindered.
        locked = ImportJob.objects.select_for_update(no_key=True).only("partition_lines").get(pk=self.job.pk)
        lines = list(locked.partition_lines)
        lines[self.number] = line
        ImportJob.objects.filter(pk=self.job.pk).update(
            rows_created=F("rows_created") + counts.created,
            rows_updated=F("rows_updated") + counts.updated,
            rows_unchanged=F("rows_unchanged") + counts.unchanged,
            rows_invalid=F("rows_invalid") + counts.invalid,
            partition_lines=lines,
            last_committed_line=min(lines),
            modified_on=timezone.now(),
        )


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


def error_report_rows(job: ImportJob, language: str | None = None) -> Iterator[list[str]]:
    """The job's error report as CSV rows: line, column, value, rule, the rule in `language` (by default the one
    active now, at the call: a streamed response reads the rows after its view has returned)."""
    return _error_report_rows(job, language or translation.get_language() or settings.LANGUAGE_CODE)


def _error_report_rows(job: ImportJob, language: str) -> Iterator[list[str]]:
    yield ["line", "column", "value", "rule"]
    # A report holds few distinct rules (a code with its parameters, or an older import's text): each is rendered
    # once.
    rendered: dict[tuple[str, str, str], str] = {}
    for error in job.errors.order_by("line", "id").iterator(chunk_size=2000):
        key = (error.code, json.dumps(error.params, sort_keys=True), error.rule_text)
        if key not in rendered:
            with translation.override(language):
                rendered[key] = error.rule
        yield [str(error.line), error.column, error.value, rendered[key]]
