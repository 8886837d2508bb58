import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import connection
from django.utils.translation import gettext as _

from g60.core.commands import ProjectCommand

# Each worker is a process holding the whole application: more than this is a typo, and the server would fork
# every one of them (--workers 100000 brought the machine down) or, with 0, serve nothing without a word.
MAX_WORKERS = 64


def uwsgi_argv(bind: str, workers: int) -> list[str]:
    """uWSGI's command line (pyuwsgi's `uwsgi` beside this Python) for the platform.

    uWSGI, not gunicorn (docs/decisions.md, "The server"): its HTTP parser and worker loop are C, where gunicorn's
    are Python; on the register's detail look-ups a request cost the server 0.7-1.0 ms of CPU against 1.0-1.9 ms
    with gunicorn, about 0.5 ms of which gunicorn spent outside Django."""
    socket = bind.removeprefix("unix:")  # gunicorn's spelling of a Unix-domain socket; uWSGI takes the path
    return [
        str(Path(sys.executable).with_name("uwsgi")),
        "--strict",  # an unknown option is an error, not silently ignored
        "--master",
        "--http-socket", socket,
        "--processes", str(workers),
        # The master loads the application (g60.serving readies and freezes it, with no connection open) and
        # forks the workers from it.
        "--module", "g60.serving:application",
        "--need-app",
        "--single-interpreter",
        "--enable-threads",  # the import page reads its file in a thread of the worker
        "--thunder-lock",  # one worker at a time waits in accept()
        "--harakiri", "30",  # a request still running after 30 s is killed with its worker (gunicorn's timeout)
        "--buffer-size", "32768",  # request headers up to 32 KiB (the default 4 KiB refuses long query strings)
        # SIGTERM stops gracefully, as gunicorn did: requests in hand finish (up to 20 s), then the workers exit.
        "--hook-master-start", "unix_signal:15 gracefully_kill_them_all",
        "--worker-reload-mercy", "20",
        "--reload-mercy", "20",
        "--vacuum",  # a Unix-domain socket is removed at exit
        # A client that hangs up early is not a server error worth a traceback.
        "--ignore-sigpipe", "--ignore-write-errors", "--disable-write-exception",
    ]  # fmt: skip


class Command(ProjectCommand):
    help = "Serve the platform with uWSGI (static files by WhiteNoise); G60_BIND and G60_WORKERS set it up."

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
        socket_path = bind.startswith("unix:") or "/" in bind
        if colon and not socket_path and port.isascii() and port.isdigit() and not 1 <= int(port) <= 65535:
            # A server fails on it with a traceback, or binds a random port for 0.
            raise CommandError(
                _("--bind (or G60_BIND) must be HOST:PORT with a port from 1 to 65535, not %(value)s.")
                % {"value": bind}
            )
        # Replace this process with the server so that signals (Ctrl-C, SIGTERM) reach it directly.
        argv = uwsgi_argv(bind, int(workers))
        database = connection.vendor + (f" {connection.settings_dict['NAME']}" if connection.vendor == "sqlite" else "")
        self.stdout.write(
            _("Serving on http://%(bind)s/ (database: %(database)s).") % {"bind": bind, "database": database}
        )
        self.stdout.flush()
        os.execv(argv[0], argv)  # noqa: S606 - a fixed argv, no shell
