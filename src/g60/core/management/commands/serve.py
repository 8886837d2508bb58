import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection


class Command(BaseCommand):
    help = "Serve the platform with gunicorn (static files by WhiteNoise); G60_BIND and G60_WORKERS set it up."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("G60_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("G60_WORKERS", "3")))

    def handle(self, *args: Any, **options: Any) -> None:
        # Replace this process with gunicorn so that signals (Ctrl-C, SIGTERM) reach the server directly.
        argv = [
            sys.executable, "-m", "gunicorn", "g60.wsgi:application",
            "--config", "python:g60.gunicorn_conf",
            "--bind", options["bind"],
            "--workers", str(options["workers"]),
            "--access-logfile", "-",
            "--graceful-timeout", "20",
        ]  # fmt: skip
        database = connection.vendor + (f" {connection.settings_dict['NAME']}" if connection.vendor == "sqlite" else "")
        self.stdout.write(f"serving on http://{options['bind']}/ (database: {database})")
        self.stdout.flush()
        os.execv(sys.executable, argv)  # noqa: S606 - a fixed argv, no shell
