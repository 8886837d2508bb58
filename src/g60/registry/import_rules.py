"""The rules a row of an import can break, and the reasons a whole file cannot be imported, by code.

A row error is stored as data (ImportRowError: line, column, value, rule code and the rule's parameters), never
as text in the language the import ran in: it is rendered in the language of whoever reads it, on the job's page,
in the downloadable error report and in the command's output. Errors recorded before the codes keep their text
(ImportRowError.rule_text) and are shown as they were written.

A code keeps its meaning for good: a rule that changes gets a new code, while a message may be reworded (and is
translated in the registry's catalogue). A file refused as a whole is stored the same way (ImportJob.failure_code
and failure_params, the codes starting with file_).
"""

from collections.abc import Mapping
from typing import Any

from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from g60.registry.identifiers import USCC_RULES
from g60.registry.industry import INDUSTRY_CLASS_RULES

RULES: dict[str, StrOrPromise] = {
    **USCC_RULES,
    "required": _("This column must not be empty."),
    "max_length": _("At most %(limit)d characters."),  # limit
    "null_character": ProhibitNullCharactersValidator.message,
    "city_code": _("The division code of one of the nine corridor cities (GB/T 2260), e.g. 310117."),
    "choice": _("One of: %(choices)s."),  # choices: the codes, comma-separated
    "date_future": _("The establishment date cannot be in the future."),
    "date_iso": _("An ISO date, YYYY-MM-DD."),
    "capital_non_negative": _("A non-negative decimal number (10,000 yuan)."),
    "capital_digits": _("At most 14 digits before and 4 after the decimal point."),
    **INDUSTRY_CLASS_RULES,
    # A file as a whole (ImportFileError).
    "file_columns": _("Line 1: the columns must be %(columns)s (missing: %(missing)s; unknown: %(unknown)s)."),
    "file_empty": _("The file is empty."),
    "file_not_utf8": _("The file is not UTF-8 text."),
    "file_cell_too_long": _(
        "Line %(line)d: a cell is longer than %(limit)d characters (is a quotation mark left open?)."
    ),
    "file_not_xlsx": _("The file is not a readable XLSX workbook."),
    "file_gone": _("The import's file is no longer on the server (%(path)s): upload it again."),
}


def rule_text(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The rule `code` with its parameters, in the active language. A code this version does not know (written by
    a newer one) is shown as itself with its parameters rather than failing the page."""
    message = RULES.get(code)
    if message is None:
        return f"{code} {dict(params)}" if params else code
    text = str(message)
    if not params:
        return text
    try:
        return text % params
    except (KeyError, TypeError, ValueError):
        return f"{text} {dict(params)}"
