from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from g60.registry.generator import CITIES, generate, generated_to_csv, generated_to_db


class Command(BaseCommand):
    help = "Write N synthetic corridor enterprises to the register (or to a CSV import file with --csv)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("count", type=int)
        parser.add_argument("--seed", type=int, default=60)
        parser.add_argument("--city", help="division code of one of the nine cities (default: all nine)")
        parser.add_argument("--start", type=int, default=0, help="index of the first enterprise (for more batches)")
        parser.add_argument("--csv", help="write an import file here instead of the database")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["count"] < 0:
            raise CommandError("N must not be negative")
        if options["city"] and options["city"] not in CITIES:
            raise CommandError(f"unknown city {options['city']}; one of {', '.join(CITIES)}")
        rows = generate(options["count"], seed=options["seed"], city=options["city"], start=options["start"])
        if options["csv"]:
            written = generated_to_csv(rows, options["csv"])
            self.stdout.write(f"{written} enterprises written to {options['csv']}")
            return
        with transaction.atomic():
            written = generated_to_db(rows)
        self.stdout.write(f"{written} enterprises generated (existing USCCs left unchanged)")
