"""The corridor's enterprise register: one row per enterprise, keyed by its Unified Social Credit Code."""

from typing import Any

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils.translation import gettext_lazy as _

from g60.core.models import ArchivableModel, TrackedModel
from g60.regions.models import City
from g60.registry.constants import (
    BUSINESS_SCOPE_MAX_LENGTH,
    ENTERPRISE_CHANGE_LABELS,
    EnterpriseSource,
    EnterpriseStatus,
    EnterpriseType,
    ImportJobStatus,
)
from g60.registry.import_rules import rule_text
from g60.registry.search_text import search_text_for
from g60.registry.validators import validate_industry_class, validate_resident_id, validate_uscc


def search_text_pairs(using: str | None = None) -> bool:
    """Whether the database `using` keeps the search text with each CJK ideograph followed by another paired with
    it (PostgreSQL), rather than one token per character (SQLite): search_text.py."""
    return connections[using or DEFAULT_DB_ALIAS].vendor == "postgresql"


def search_text_stored(name: str, name_en: str = "", using: str | None = None) -> str:
    """The search text of a name in the form the database `using` keeps (search_text_pairs)."""
    return search_text_for(name, name_en, pairs=search_text_pairs(using))


class Enterprise(TrackedModel, ArchivableModel):
    """An enterprise registered in one of the nine cities. Archived, never deleted."""

    uscc = models.CharField(_("Unified Social Credit Code"), max_length=18, unique=True, validators=[validate_uscc])
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=255, blank=True)
    type = models.CharField(_("type"), max_length=32, choices=EnterpriseType.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=EnterpriseStatus.choices, default=EnterpriseStatus.ACTIVE
    )
    city = models.ForeignKey(
        City,
        verbose_name=_("registration city"),
        on_delete=models.PROTECT,
        related_name="enterprises",
        db_index=False,  # the composite indexes below lead with the city
    )
    established_on = models.DateField(_("established on"))
    registered_capital_wan = models.DecimalField(
        _("registered capital (10,000 yuan)"),
        max_digits=18,
        decimal_places=4,
        validators=[MinValueValidator(0)],
    )
    legal_representative = models.CharField(_("legal representative"), max_length=64)
    # Personal data: never shown on the public register or in exports for anonymous users.
    legal_representative_id_number = models.CharField(
        _("legal representative's ID number"), max_length=18, blank=True, validators=[validate_resident_id]
    )
    industry_code = models.CharField(
        _("industry class (GB/T 4754)"), max_length=5, validators=[validate_industry_class]
    )
    address = models.CharField(_("address"), max_length=255)
    # A text column keeps no length in the database (varchar would rewrite the register's table): the limit is the
    # field's max_length (forms) and its validator (full_clean); the import reads it from the field.
    business_scope = models.TextField(
        _("business scope"),
        max_length=BUSINESS_SCOPE_MAX_LENGTH,
        blank=True,
        validators=[MaxLengthValidator(BUSINESS_SCOPE_MAX_LENGTH)],
    )
    source = models.CharField(_("source"), max_length=16, choices=EnterpriseSource.choices)
    # The Chinese name split into single characters and the English name into lower-case words, separated by
    # spaces: what the full-text indexes (SQLite FTS5, PostgreSQL GIN on to_tsvector('simple')) index, so a
    # phrase query finds substrings of one or two CJK characters too (docs/search.md); on PostgreSQL with each
    # character followed by another paired with it (search_text.py). Kept in step by save() and, for bulk
    # writes, by the import and the generator, which call `search_text_stored` themselves.
    search_text = models.TextField(_("search text"), blank=True, editable=False)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["uscc"]
        # The search's filters (docs/search.md): city + status (+ industry class) answer the most common
        # filtered searches from the index alone, city + establishment date the "enterprises of a city founded
        # in year Y" ones; each index is one more write per imported row, so there are no more than these.
        indexes = [
            models.Index(fields=["city", "status", "industry_code"], name="enterprise_city_status_ind"),
            models.Index(fields=["city", "established_on"], name="enterprise_city_established"),
            models.Index(fields=["industry_code"], name="enterprise_industry"),
            models.Index(fields=["established_on"], name="enterprise_established"),
            # For sorting by name. A Meta index rather than db_index=True, which on PostgreSQL adds a second,
            # varchar_pattern_ops copy for LIKE 'x%' that no search uses.
            models.Index(fields=["name"], name="enterprise_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.uscc})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = search_text_stored(self.name, self.name_en, kwargs.get("using") or self._state.db)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and ("name" in update_fields or "name_en" in update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)


class EnterpriseFormerName(models.Model):
    """A name the enterprise used before (names are reused rules depend on it: standards §7.3)."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="former_names"
    )
    name = models.CharField(_("former name"), max_length=200, db_index=True)
    used_until = models.DateField(_("used until"))

    class Meta:
        verbose_name = _("former name")
        verbose_name_plural = _("former names")
        ordering = ["-used_until"]

    def __str__(self) -> str:
        return self.name


class EnterpriseChange(models.Model):
    """One change to an enterprise: what it was before, what it is after, who did it and when."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="changes"
    )
    changed_on = models.DateTimeField(_("changed on"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The service's action, e.g. "enterprise.update", "enterprise.archive", "enterprise.import".
    action = models.CharField(_("action"), max_length=32)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    import_job = models.ForeignKey(
        "ImportJob", verbose_name=_("import job"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("enterprise change")
        verbose_name_plural = _("enterprise changes")
        ordering = ["-changed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.changed_on:%Y-%m-%d %H:%M}"

    @property
    def action_label(self) -> str:
        """The action in the user's language (the code itself for an action without a label)."""
        return str(ENTERPRISE_CHANGE_LABELS.get(self.action, self.action))


class ImportJob(TrackedModel):
    """One import of a CSV or XLSX file: its progress, counts and the last line committed (for --resume)."""

    file_name = models.CharField(_("file name"), max_length=255)
    # Where the uploaded or named file is read from (a resumed job reads it again).
    file_path = models.CharField(_("file path"), max_length=1024)
    status = models.CharField(
        _("status"), max_length=16, choices=ImportJobStatus.choices, default=ImportJobStatus.PENDING
    )
    progress_done = models.BigIntegerField(_("progress done"), default=0)
    progress_total = models.BigIntegerField(_("progress total"), default=0)
    lines_read = models.PositiveIntegerField(_("lines read"), default=0)
    # Every good row up to this line (the header is line 1) is in the register; --resume starts after it.
    last_committed_line = models.PositiveIntegerField(_("last committed line"), default=0)
    rows_created = models.PositiveIntegerField(_("rows created"), default=0)
    rows_updated = models.PositiveIntegerField(_("rows updated"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("rows unchanged"), default=0)
    rows_invalid = models.PositiveIntegerField(_("rows with errors"), default=0)
    # Why the file as a whole could not be imported: a rule code of import_rules (file_...) and its parameters,
    # shown in each reader's language (failure_text); `failure` holds what has no code (an unexpected error, as
    # Python names it) and the reasons recorded before the codes, as they were written.
    failure = models.TextField(_("failure"), blank=True)
    failure_code = models.CharField(_("failure code"), max_length=64, blank=True)
    failure_params = models.JSONField(_("failure parameters"), default=dict, blank=True)
    # For an import written by several connections at once: the last line each committed (importing.py,
    # _PartitionWriter); every line up to the smallest is in.
    partition_lines = models.JSONField(_("lines committed per writer"), default=list, blank=True, editable=False)
    # The register's indexes (and on PostgreSQL foreign keys) this job set aside for its load, [[name, statement
    # that makes it], ...], until it makes them again (g60/registry/import_indexes.py): a stopped job holding
    # some is resumed to make them.
    deferred_indexes = models.JSONField(_("indexes set aside"), default=list, blank=True, editable=False)
    finished_on = models.DateTimeField(_("finished on"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_on"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"

    @property
    def failure_text(self) -> str:
        """Why the job failed, in the active language ("" when it did not)."""
        return rule_text(self.failure_code, self.failure_params) if self.failure_code else self.failure

    @property
    def percent(self) -> int:
        if self.status == ImportJobStatus.DONE:
            return 100
        return min(100, int(100 * self.progress_done / self.progress_total)) if self.progress_total else 0


class ImportRowError(models.Model):
    """A rule a row broke: the line (header = 1), the column and the rule. Rows with errors are not written.

    The rule is stored as data, its code and parameters (import_rules.py), and rendered in the reader's language
    by `rule`; an error recorded before the codes has its text in `rule_text` instead, shown as it was written."""

    job = models.ForeignKey(ImportJob, verbose_name=_("import job"), on_delete=models.CASCADE, related_name="errors")
    line = models.PositiveIntegerField(_("line"))
    column = models.CharField(_("column"), max_length=64)
    value = models.CharField(_("value"), max_length=255, blank=True)
    code = models.CharField(_("rule code"), max_length=64, blank=True)
    params = models.JSONField(_("rule parameters"), default=dict, blank=True)
    rule_text = models.TextField(_("rule as recorded by an older import"), blank=True)

    class Meta:
        verbose_name = _("import error")
        verbose_name_plural = _("import errors")
        ordering = ["line", "id"]

    def __str__(self) -> str:
        return f"{self.line}:{self.column}"

    @property
    def rule(self) -> str:
        """The rule in the active language (an older error's text as it was recorded)."""
        return rule_text(self.code, self.params) if self.code else self.rule_text
