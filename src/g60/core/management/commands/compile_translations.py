from pathlib import Path
from typing import Any

import polib
from django.apps import apps
from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from g60.core.commands import ProjectCommand


class Command(ProjectCommand):
    """Compile every .po file to .mo with polib, so a fresh machine needs no GNU gettext."""

    help = "Compile the platform's translation catalogues (.po → .mo)."

    def handle(self, *args: Any, **options: Any) -> None:
        roots = [Path(p) for p in settings.LOCALE_PATHS]
        roots += [Path(app.path) / "locale" for app in apps.get_app_configs() if app.name.startswith("g60.")]
        # Every catalogue is read before any is written: a broken one stops the command with its name, and the
        # others are not left compiled from a set of edits that stopped halfway.
        stale: list[tuple[polib.POFile, Path]] = []
        for root in roots:
            for po_path in root.glob("*/LC_MESSAGES/*.po"):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                try:
                    stale.append((polib.pofile(str(po_path)), mo_path))
                except (OSError, ValueError) as exc:  # polib: OSError for a syntax error, ValueError for bad UTF-8
                    raise CommandError(
                        _("%(path)s cannot be compiled: %(error)s") % {"path": po_path, "error": exc}
                    ) from exc
        for po, mo_path in stale:
            try:
                po.save_as_mofile(str(mo_path))
            except OSError as exc:
                raise CommandError(
                    _("%(path)s cannot be written: %(error)s") % {"path": mo_path, "error": exc.strerror or exc}
                ) from exc
        self.stdout.write(_("Translations: %(count)d catalogue(s) compiled.") % {"count": len(stale)})
