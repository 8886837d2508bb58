import json
import logging
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import DatabaseError
from django.utils.translation import gettext as _

from g60.core.commands import ProjectCommand, database_missing_table
from g60.signing.offline import LicenceFileUnreadable, licence_file_read, licence_file_token, reason_text
from g60.signing.verify import PublicKeyInfo, public_keys_from_json, token_verify


class Command(ProjectCommand):
    help = (
        "Verify a licence offline: FILE is a licence PDF or a text file holding the QR code's token. The signature "
        "is checked with the published public keys (--keys, a saved GET /api/v1/keys answer) or, without --keys, "
        "with the keys in the local database. Revocation can only be checked online (POST /api/v1/licences/verify). "
        "Exit status 0 when the signature is valid, 1 otherwise."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="licence PDF, or a text file with the token ('-' reads stdin)")
        parser.add_argument("--keys", type=Path, help="the JSON saved from GET /api/v1/keys (offline verification)")

    def handle(self, *args: Any, **options: Any) -> None:
        keys = self._keys(options["keys"])
        pypdf_log = logging.getLogger("pypdf")
        level = pypdf_log.level
        # pypdf logs what it finds wrong in a damaged PDF ("EOF marker not found") before giving up: the command
        # says in its one line that the PDF cannot be read, so those lines are only noise on the terminal.
        pypdf_log.setLevel(logging.ERROR)
        try:
            if str(options["file"]) == "-":
                token = licence_file_token(sys.stdin.buffer.read())
            else:
                token = licence_file_read(options["file"])
        except LicenceFileUnreadable as exc:
            raise CommandError(str(exc), returncode=1) from exc
        finally:
            pypdf_log.setLevel(level)
        try:
            result = token_verify(token, public_keys=keys)
        except DatabaseError as exc:
            table = database_missing_table(exc)
            if table is not None:  # a database never migrated; the keys file is the other way
                raise CommandError(
                    _(
                        "The database is not set up (no table %(table)s): run g60 migrate first, or verify "
                        "offline with --keys KEYS.json."
                    )
                    % {"table": table},
                    returncode=1,
                ) from exc
            raise CommandError(
                _("The local database holds no signing keys (%(error)s): verify offline with --keys KEYS.json.")
                % {"error": exc},
                returncode=1,
            ) from exc
        if not result.valid:
            raise CommandError(
                _("INVALID (%(reason)s): %(text)s") % {"reason": result.reason, "text": reason_text(result.reason)},
                returncode=1,
            )
        self.stdout.write(_("VALID: %(text)s") % {"text": reason_text(result.reason)})
        self.stdout.write(
            _("Signed with key %(kid)s (%(algorithm)s) of city %(city)s.")
            % {"kid": result.kid, "algorithm": result.algorithm, "city": result.city_code}
        )
        for name, value in sorted((result.payload or {}).items()):
            self.stdout.write(f"  {name}: {value}")
        self.stdout.write(_("Revocation is not checked offline: ask the platform (POST /api/v1/licences/verify)."))

    def _keys(self, path: Path | None) -> dict[str, PublicKeyInfo] | None:
        if path is None:
            return None
        try:
            return public_keys_from_json(path.read_bytes())
        except OSError as exc:
            raise CommandError(
                _("Cannot read the keys file %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
            ) from exc
        except (ValueError, json.JSONDecodeError) as exc:
            raise CommandError(
                _("%(path)s is not a keys file saved from GET /api/v1/keys: %(error)s") % {"path": path, "error": exc}
            ) from exc
