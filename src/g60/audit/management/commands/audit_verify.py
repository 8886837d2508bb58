from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import DatabaseError
from django.utils.translation import gettext as _

from g60.audit.verify import audit_verify
from g60.core.commands import ProjectCommand, database_missing_table


class Command(ProjectCommand):
    help = "Verify the audit log's hash chain; report the first altered, deleted or reordered event."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="report every break, not only the first")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = audit_verify(stop_at_first=not options["all"])
        except DatabaseError as exc:
            if database_missing_table(exc) is not None:
                raise  # a database never migrated: ProjectCommand says so, as for every command
            # A database out of reach: not a broken chain, and no traceback. The driver's message is made one
            # line (PostgreSQL's connection errors span several).
            raise CommandError(
                _("Cannot read the audit log (%(error)s): is the database set up (g60 migrate) and reachable?")
                % {"error": " ".join(str(exc).split())}
            ) from exc
        if result.ok:
            self.stdout.write(_("Audit chain intact: %(count)d events verified.") % {"count": result.checked})
            return
        for brk in result.breaks:
            self.stderr.write(
                _("Audit chain broken at event #%(seq)d: %(reason)s") % {"seq": brk.seq, "reason": brk.reason}
            )
        raise CommandError(_("Audit chain broken at event #%(seq)d.") % {"seq": result.breaks[0].seq})
