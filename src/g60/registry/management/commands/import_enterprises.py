import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from g60.accounts.models import User
from g60.registry.constants import ImportJobStatus
from g60.registry.importing import import_job_create, import_job_run, import_job_summary, import_writers_check
from g60.registry.models import ImportJob


class Command(BaseCommand):
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
                raise CommandError(f"no user {options['user']}")
        try:
            import_writers_check(options["writers"] or 1)  # before a job is made
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["resume"]:
            job = ImportJob.objects.filter(public_id=options["resume"]).first()
            if job is None:
                raise CommandError(f"no import job {options['resume']}")
            self.stdout.write(f"resuming after line {job.last_committed_line}")
        else:
            if not options["file"]:
                raise CommandError("name the FILE to import (or --resume JOB)")
            path = Path(options["file"]).resolve()
            if not path.is_file() or path.suffix.lower() not in (".csv", ".xlsx"):
                raise CommandError(f"{path}: a .csv or .xlsx file is needed")
            job = import_job_create(acting_user=user, path=path)
            self.stdout.write(f"import job {job.public_id}")
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
        if options["errors"] and job.rows_invalid:
            import csv

            from g60.registry.importing import error_report_rows

            with open(options["errors"], "w", encoding="utf-8", newline="") as out:
                csv.writer(out).writerows(error_report_rows(job))
            self.stdout.write(f"error report: {options['errors']}")
        elif job.rows_invalid:
            for error in job.errors.all()[:20]:
                self.stdout.write(f"  line {error.line}, {error.column}: {error.rule} ({error.value!r})")
        if job.status == ImportJobStatus.FAILED:
            raise CommandError(job.failure)

    def _bar(self, job: ImportJob) -> None:
        width = 40
        filled = width * job.percent // 100
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {job.percent:3d}% line {job.lines_read} "
            f"created {job.rows_created} updated {job.rows_updated} errors {job.rows_invalid}"
        )
        sys.stderr.flush()
