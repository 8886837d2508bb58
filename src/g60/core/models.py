"""Abstract bases shared by the registry models of every app."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The actor foreign keys carry no index of their own: nothing looks records up by who created, changed or archived
# them (the audit trail answers that), and on the register every index is one more write per imported row. The
# price is a full scan of a table in the rare case of deleting a user, which PROTECT then refuses anyway.


class TrackedModel(models.Model):
    """Who created and last changed a record, and when; a public UUID that does not leak row counts."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    created_on = models.DateTimeField(_("created on"), auto_now_add=True)
    modified_on = models.DateTimeField(_("modified on"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # the actor keys: see the note above TrackedModel
    )
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # the actor keys: see the note above TrackedModel
    )

    class Meta:
        abstract = True


class ArchivableModel(models.Model):
    """Registry records are archived, never deleted, so that history and references stay intact."""

    archived = models.BooleanField(_("archived"), default=False)
    archived_on = models.DateTimeField(_("archived on"), null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("archived by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # the actor keys: see the note above TrackedModel
    )
    archived_reason = models.TextField(_("archived reason"), blank=True)

    class Meta:
        abstract = True
