"""Emails to the applicant after each step, sent after the transaction commits (never for a rolled-back step)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from g60.onenetwork.models import Application

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)


def _message(application: Application, step_label: str, reason: str) -> tuple[str, str]:
    subject = _("[G60] Application %(ref)s: %(step)s") % {"ref": application.reference, "step": step_label}
    lines = [
        _("Your application for “%(name)s” (reference %(ref)s): %(step)s.")
        % {"name": application.name, "ref": application.reference, "step": step_label},
    ]
    if reason:
        lines.append(_("Reason: %(reason)s") % {"reason": reason})
    lines.append(_("Follow every step on the platform under “My applications”."))
    return subject, "\n".join(lines)


def notify_applicant(application: Application, *, step: StrOrPromise, reason: str = "") -> None:
    """Queue an email to the applicant in Chinese and English, sent once the step is committed."""
    email = application.applicant.email
    if not email:
        return

    def send() -> None:
        parts = []
        subject = ""
        for language in (settings.LANGUAGE_CODE, "en"):
            with translation.override(language):
                subject_l, body = _message(application, str(step), reason)
                subject = subject or subject_l
                parts.append(body)
        try:
            send_mail(subject, "\n\n".join(parts), None, [email])
        except OSError:
            # The step is committed; a mail server that is down must not turn it into an error page.
            logger.exception("notification to %s failed", email)

    transaction.on_commit(send)
