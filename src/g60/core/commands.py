"""What every `g60` command shares (the base class of the project's management commands).

A database that was never migrated is an everyday mistake on a fresh machine: the command ends with one line
saying so and naming `g60 migrate`, in the platform's language, and a non-zero exit status, where it used to
end with the driver's traceback ("no such table" on SQLite, UndefinedTable on PostgreSQL). Every other
database error is left as it was: it is a fault to see whole, not a set-up step.
"""

import re
import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils.translation import gettext as _

# SQLite: 'no such table: audit_auditevent'; PostgreSQL: SQLSTATE 42P01, 'relation "accounts_user" does not exist'.
_SQLITE_NO_TABLE = re.compile(r"^no such table: (\S+)")
_POSTGRES_UNDEFINED_TABLE = "42P01"
_QUOTED = re.compile(r'"([^"]+)"')


def database_missing_table(exc: BaseException) -> str | None:
    """The table `exc` found missing, when it is the database's "no such table" error (a database never
    migrated, or migrated by an older version without that table); None for any other error."""
    for error in (exc, exc.__cause__):
        if error is None:
            continue
        # psycopg's errors carry their SQLSTATE (read without importing psycopg: SQLite never loads it).
        if getattr(error, "sqlstate", None) == _POSTGRES_UNDEFINED_TABLE:
            primary = getattr(getattr(error, "diag", None), "message_primary", None) or str(error)
            quoted = _QUOTED.search(primary)
            return quoted.group(1) if quoted else " ".join(primary.split())
        found = _SQLITE_NO_TABLE.match(str(error))
        if found:
            return found.group(1)
    return None


def column(text: str, width: int) -> str:
    """`text` padded with spaces to `width` columns of a terminal, where a Chinese character takes two: str.ljust
    counts characters, and a table whose cells mix Chinese and Latin text came out ragged."""
    columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - columns)


def database_not_set_up(table: str) -> CommandError:
    """The one-line error of a command run on a database without its tables."""
    return CommandError(_("The database is not set up (no table %(table)s): run g60 migrate first.") % {"table": table})


class ProjectCommand(BaseCommand):
    """BaseCommand for the platform's commands: run on a database without its tables, the command ends with
    database_not_set_up's line (CommandError: the message on stderr, exit status 1) instead of a traceback."""

    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            return super().execute(*args, **options)
        except DatabaseError as exc:
            table = database_missing_table(exc)
            if table is None:
                raise
            raise database_not_set_up(table) from exc
