from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from g60.audit.verify import audit_verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; report the first altered, deleted or reordered event."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="report every break, not only the first")

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify(stop_at_first=not options["all"])
        if result.ok:
            self.stdout.write(f"audit chain intact: {result.checked} events verified")
            return
        for brk in result.breaks:
            self.stderr.write(f"audit chain broken at event #{brk.seq}: {brk.reason}")
        raise CommandError(f"audit chain broken at event #{result.breaks[0].seq}")
