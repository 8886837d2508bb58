"""The `g60` command: Django's management commands with the platform's settings, hyphenated names allowed.

g60 serve                 run the production server (gunicorn) with the static files
g60 load-demo             load the demo accounts (idempotent)
g60 audit-verify          verify the audit log's hash chain
g60 token USERNAME        print a new API bearer token
g60 grant USER ROLE CITY  give a user a role in a city
g60 migrate, g60 check … every other Django command
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "g60.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "g60"
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
