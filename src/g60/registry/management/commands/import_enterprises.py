import contextlib
import csv
import sys
import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from g60.accounts.models import User
from g60.core.commands import ProjectCommand
from g60.core.files import text_file_replaced
from g60.registry.constants import ImportJobStatus
from g60.registry.importing import (
    ImportFileError,
    error_report_rows,
    import_file_check,
    import_job_create,
    import_job_run,
    import_job_summary,
    import_writers_check,
)
from g60.registry.models import ImportJob


class Command(ProjectCommand):
    help = (
        "Import enterprises from a CSV or XLSX file (columns: uscc,name,city_code,type,status,established_on,"
        "registered_capital_wan,legal_representative,industry_code,address,business_scope). Bad rows are reported "
        "and not written; --resume JOB goes on after the last committed line of a stopped job."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?")
        parser.add_argument("--resume", help="public id of a stopped import job to go on with")
        parser.add_argument("--user", help="username recorded as the importer (default: the system)")
        parser.add_argument("--errors", help="write the error report (CSV) to this file")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")
        parser.add_argument(
            "--keep-indexes",
            action="store_true",
            help="never set the register's search indexes aside during the load (by default a file of 100,000 "
            "rows or more, larger than the register, is loaded without them and they are built afterwards)",
        )
        parser.add_argument(
            "--writers",
            type=int,
            choices=[1, 2, 3, 4],
            help="connections writing at once (PostgreSQL only; default: 2 for a file of 100,000 rows or more)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(_("--user: no user is named %(name)s.") % {"name": options["user"]})
        try:
            import_writers_check(options["writers"] or 1)  # before a job is made
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["resume"] is not None:
            if options["file"]:
                raise CommandError(
                    _("Give FILE or --resume JOB, not both: a resumed job reads the file it started with.")
                )
            try:
                uuid.UUID(options["resume"])
            except ValueError as exc:  # the lookup would raise ValidationError (a traceback)
                raise CommandError(
                    _("--resume %(job)s is not an import job id (a UUID, as printed when the job started).")
                    % {"job": options["resume"]}
                ) from exc
            job = ImportJob.objects.filter(public_id=options["resume"]).first()
            if job is None:
                raise CommandError(_("--resume: there is no import job %(job)s.") % {"job": options["resume"]})
        else:
            if not options["file"]:
                raise CommandError(_("Name the FILE to import (or --resume JOB)."))
            path = self._import_file(Path(options["file"]).resolve())
            job = None  # made once the report's file is open
        with contextlib.ExitStack() as files:
            report = None
            if options["errors"] is not None:
                # Opened before the import, so that a report that cannot be written stops it before it starts
                # (it used to fail only after the whole import); written whole or not at all.
                try:
                    report = files.enter_context(text_file_replaced(Path(options["errors"])))
                except OSError as exc:
                    raise CommandError(
                        _("--errors %(path)s cannot be written: %(error)s")
                        % {"path": Path(options["errors"]), "error": exc.strerror or exc}
                    ) from exc
            if job is None:
                job = import_job_create(acting_user=user, path=path)
                self.stdout.write(_("Import job %(job)s") % {"job": job.public_id})
            else:
                self.stdout.write(_("Resuming after line %(line)d") % {"line": job.last_committed_line})
            job = import_job_run(
                job,
                progress=None if options["quiet"] else self._bar,
                defer_indexes=False if options["keep_indexes"] else None,
                writers=options["writers"],
            )
            if not options["quiet"]:
                sys.stderr.write("\n")
            summary = import_job_summary(job)
            self.stdout.write(" ".join(f"{key}={value}" for key, value in summary.items()))
            if report is not None:
                # Written even without errors: an old report left at that path would tell of rows not refused.
                csv.writer(report).writerows(error_report_rows(job))
        if report is not None:
            self.stdout.write(_("Error report: %(path)s") % {"path": options["errors"]})
        elif job.rows_invalid:
            for error in job.errors.all()[:20]:
                self.stdout.write(
                    "  "
                    + _("line %(line)d, %(column)s: %(rule)s (%(value)s)")
                    % {"line": error.line, "column": error.column, "rule": error.rule, "value": repr(error.value)}
                )
        if job.status == ImportJobStatus.FAILED:
            raise CommandError(job.failure_text)

    def _import_file(self, path: Path) -> Path:
        """`path`, or CommandError saying why it cannot be imported, before a job is made for it."""
        if not path.exists():
            raise CommandError(_("FILE %(path)s does not exist.") % {"path": path})
        if not path.is_file():
            raise CommandError(_("FILE %(path)s is not a file: name a .csv or .xlsx file.") % {"path": path})
        if path.suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError(_("FILE %(path)s is neither a .csv nor an .xlsx file.") % {"path": path})
        try:
            import_file_check(path)
        except ImportFileError as exc:
            reason = str(exc)
        except OSError as exc:
            reason = exc.strerror or str(exc)
        else:
            return path
        raise CommandError(_("FILE %(path)s cannot be imported: %(reason)s") % {"path": path, "reason": reason})

    def _bar(self, job: ImportJob) -> None:
        width = 40
        filled = width * job.percent // 100
        counts = _("line %(line)d created %(created)d updated %(updated)d errors %(errors)d") % {
            "line": job.lines_read,
            "created": job.rows_created,
            "updated": job.rows_updated,
            "errors": job.rows_invalid,
        }
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {job.percent:3d}% {counts}")
        sys.stderr.flush()
