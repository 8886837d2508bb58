import os
import sys
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import connection
from django.utils.translation import gettext as _

from g60.core.commands import ProjectCommand

# Each worker is a process holding the whole application: more than this is a typo, and gunicorn would fork
# every one of them (--workers 100000 brought the machine down) or, with 0, serve nothing without a word.
MAX_WORKERS = 64


class Command(ProjectCommand):
    help = "Serve the platform with gunicorn (static files by WhiteNoise); G60_BIND and G60_WORKERS set it up."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("G60_BIND", "127.0.0.1:8000"))
        # Read as text and checked in handle(), so that a bad G60_WORKERS gets the same message as --workers.
        parser.add_argument("--workers", default=os.environ.get("G60_WORKERS", "3"))

    def handle(self, *args: Any, **options: Any) -> None:
        workers = str(options["workers"]).strip()
        if not (workers.isascii() and workers.isdigit() and 1 <= int(workers) <= MAX_WORKERS):
            raise CommandError(
                _("--workers (or G60_WORKERS) must be a whole number from 1 to %(limit)d, not %(value)s.")
                % {"limit": MAX_WORKERS, "value": options["workers"]}
            )
        bind = options["bind"]
        _host, colon, port = bind.rpartition(":")
        socket_path = bind.startswith(("unix:", "fd://"))
        if colon and not socket_path and port.isascii() and port.isdigit() and not 1 <= int(port) <= 65535:
            # gunicorn fails on it with a traceback (OverflowError), or binds a random port for 0.
            raise CommandError(
                _("--bind (or G60_BIND) must be HOST:PORT with a port from 1 to 65535, not %(value)s.")
                % {"value": bind}
            )
        # Replace this process with gunicorn so that signals (Ctrl-C, SIGTERM) reach the server directly.
        argv = [
            sys.executable, "-m", "gunicorn", "g60.wsgi:application",
            "--config", "python:g60.gunicorn_conf",
            "--bind", bind,
            "--workers", str(int(workers)),
            "--access-logfile", "-",
            "--graceful-timeout", "20",
        ]  # fmt: skip
        database = connection.vendor + (f" {connection.settings_dict['NAME']}" if connection.vendor == "sqlite" else "")
        self.stdout.write(
            _("Serving on http://%(bind)s/ (database: %(database)s).") % {"bind": bind, "database": database}
        )
        self.stdout.flush()
        os.execv(sys.executable, argv)  # noqa: S606 - a fixed argv, no shell
