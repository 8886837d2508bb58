from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from g60.core.commands import ProjectCommand
from g60.registry.generator import CITIES, GENERATED_MAX, generate, generated_to_csv, generated_to_db


class Command(ProjectCommand):
    help = "Write N synthetic corridor enterprises to the register (or to a CSV import file with --csv)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("count", type=int)
        parser.add_argument("--seed", type=int, default=60)
        parser.add_argument("--city", help="division code of one of the nine cities (default: all nine)")
        parser.add_argument("--start", type=int, default=0, help="index of the first enterprise (for more batches)")
        parser.add_argument("--csv", help="write an import file here instead of the database")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["count"] < 0:
            raise CommandError(_("N must not be negative."))
        if options["start"] < 0:
            raise CommandError(_("--start must not be negative."))
        if options["count"] + options["start"] > GENERATED_MAX:
            # Past it the USCCs repeat: the database would skip the repeats without a word, a file would hold them.
            raise CommandError(
                _("N + --start must be at most %(limit)s: past it the generated USCCs repeat.")
                % {"limit": GENERATED_MAX}
            )
        if options["city"] and options["city"] not in CITIES:
            raise CommandError(
                _("--city %(code)s is not one of the nine cities: %(codes)s.")
                % {"code": options["city"], "codes": ", ".join(CITIES)}
            )
        rows = generate(options["count"], seed=options["seed"], city=options["city"], start=options["start"])
        if options["csv"] is not None:
            try:
                written = generated_to_csv(rows, options["csv"])
            except OSError as exc:
                raise CommandError(
                    _("--csv %(path)s cannot be written: %(error)s")
                    % {"path": Path(options["csv"]), "error": exc.strerror or exc}
                ) from exc
            self.stdout.write(
                _("%(count)d enterprises written to %(path)s.") % {"count": written, "path": options["csv"]}
            )
            return
        with transaction.atomic():
            written = generated_to_db(rows)
        self.stdout.write(_("%(count)d enterprises generated (existing USCCs left unchanged).") % {"count": written})
