"""The `g60` command: Django's management commands with the platform's settings, hyphenated names allowed.

g60 serve                 run the production server (uWSGI) with the static files
g60 load-demo             load the demo accounts (idempotent)
g60 audit-verify          verify the audit log's hash chain
g60 token USERNAME        print a new API bearer token
g60 grant USER ROLE CITY  give a user a role in a city
g60 migrate, g60 check … every other Django command
"""

import os
import signal
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "g60.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "g60"
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    try:
        execute_from_command_line(argv)
        sys.stdout.flush()  # what is still buffered is written here, inside the try, not at the exit
    except BrokenPipeError:
        # The reader of the output went away (`g60 … | head -1`): stop quietly, as a Unix tool ended by SIGPIPE
        # does, with its exit status (141 in the shell). SIGPIPE itself stays ignored, as Python sets it, so the
        # command stops through the exception: its transaction is rolled back and its files are cleaned up.
        # stdout is pointed at /dev/null so that the interpreter's last flush finds no pipe to fail on (Python's
        # "Note on SIGPIPE", signal module documentation).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(128 + signal.SIGPIPE)


if __name__ == "__main__":
    main()
