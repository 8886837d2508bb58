"""Export of a search result as CSV or XLSX, streamed, in the import's columns (an export imports unchanged)."""

import csv
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from django.db.models import QuerySet

from g60.registry.importing import COLUMNS, OPTIONAL_COLUMNS
from g60.registry.models import Enterprise

EXPORT_COLUMNS = [*COLUMNS, *OPTIONAL_COLUMNS]


def export_row(enterprise: Enterprise) -> list[str]:
    """One enterprise as text cells (dates ISO, capital exact), never the legal representative's ID number."""
    return [
        enterprise.uscc,
        enterprise.name,
        enterprise.city_id,
        enterprise.type,
        enterprise.status,
        enterprise.established_on.isoformat(),
        str(enterprise.registered_capital_wan),
        enterprise.legal_representative,
        enterprise.industry_code,
        enterprise.address,
        enterprise.business_scope,
        enterprise.name_en,
    ]


def _rows(queryset: QuerySet[Enterprise]) -> Iterator[list[str]]:
    yield EXPORT_COLUMNS
    for enterprise in queryset.iterator(chunk_size=2000):
        yield export_row(enterprise)


class _Line:
    """csv.writer's target that hands back each written line."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(queryset: QuerySet[Enterprise]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield "\ufeff"  # so that spreadsheet programs read the Chinese as UTF-8
    for row in _rows(queryset):
        yield writer.writerow(row)


def xlsx_file(queryset: QuerySet[Enterprise]) -> IO[bytes]:
    """The workbook in a temporary file (write-only mode: rows go to disk as they come, memory stays flat)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet: Any = book.create_sheet("enterprises")
    for row in _rows(queryset):
        sheet.append(row)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - returned open, closed by the response
    book.save(handle)
    handle.seek(0)
    return handle
