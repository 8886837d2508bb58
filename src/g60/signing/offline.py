"""Reading a licence file and verifying it, for `g60 verify-licence` (and anyone scripting the same)."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from g60.signing.licence_pdf import LicencePdfUnreadable, LicenceTokenNotFound, licence_pdf_extract_token
from g60.signing.verify import Reason


class LicenceFileUnreadable(ValueError):
    """The file is neither a licence PDF nor a text file holding a token."""


def licence_file_token(data: bytes) -> str:
    """The token in a licence PDF, or the text of a file that holds only the token (the QR code's content)."""
    if data.lstrip().startswith(b"%PDF"):
        try:
            return licence_pdf_extract_token(data)
        except LicencePdfUnreadable as exc:
            # Told apart from a PDF without a token: a cut-short download is the likely cause, not a forgery.
            raise LicenceFileUnreadable(_("The PDF is damaged or cut short: it cannot be read.")) from exc
        except LicenceTokenNotFound as exc:
            raise LicenceFileUnreadable(_("The PDF carries no G60 licence token.")) from exc
    try:
        return data.decode("utf-8").strip()
    except UnicodeDecodeError as exc:
        raise LicenceFileUnreadable(_("The file is neither a PDF nor text holding a licence token.")) from exc


def licence_file_read(path: Path) -> str:
    try:
        return licence_file_token(path.read_bytes())
    except OSError as exc:
        raise LicenceFileUnreadable(
            _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
        ) from exc


def reason_text(reason: Reason) -> str:
    """What a verification result means, in words."""
    texts: dict[str, str] = {
        "valid": _("The licence was issued by the registration authority and has not been altered."),
        "malformed": _("This is not a well-formed G60 licence token: it is damaged, cut short or not a licence."),
        "unknown_key": _("The token names a signing key that is not among the published keys."),
        "bad_signature": _("The signature does not match: the licence was altered or not signed by the key it names."),
        "unsupported_algorithm": _("The token names a signature algorithm this platform does not support."),
    }
    return texts[reason]
