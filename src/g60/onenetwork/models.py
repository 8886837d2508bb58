"""Establishment applications of the one network, their shareholders, documents, name reservations, transition
log and the licences issued on approval."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from g60.core.models import TrackedModel
from g60.onenetwork.constants import (
    ADDRESS_MAX_LENGTH,
    BUSINESS_SCOPE_MAX_LENGTH,
    DOCUMENT_NAME_MAX_LENGTH,
    LEGAL_REPRESENTATIVE_MAX_LENGTH,
    NAME_EN_MAX_LENGTH,
    NAME_MAX_LENGTH,
    NAME_PART_MAX_LENGTH,
    REASON_MAX_LENGTH,
    SHAREHOLDER_NAME_MAX_LENGTH,
    ApplicationState,
    DocumentKind,
    ShareholderKind,
)
from g60.regions.models import City
from g60.registry.constants import EnterpriseType
from g60.registry.models import Enterprise


def plain_decimal(value: Decimal | None) -> str:
    """60.0000 → "60", 33.3300 → "33.33" (never the exponent form "6E+1" that normalize() gives)."""
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class Application(TrackedModel):
    """An establishment application: drafted by an applicant, accepted at the window city, examined and approved
    by the registrar of the domicile city. The state changes only through the services (services.py)."""

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="applications"
    )
    state = models.CharField(
        _("state"), max_length=32, choices=ApplicationState.choices, default=ApplicationState.DRAFT, db_index=True
    )
    name = models.CharField(_("company name"), max_length=NAME_MAX_LENGTH, blank=True)
    name_division = models.CharField(_("name: administrative division"), max_length=NAME_PART_MAX_LENGTH, blank=True)
    name_trade = models.CharField(_("name: trade name"), max_length=NAME_PART_MAX_LENGTH, blank=True)
    name_industry = models.CharField(_("name: industry"), max_length=NAME_PART_MAX_LENGTH, blank=True)
    name_form = models.CharField(_("name: organisational form"), max_length=NAME_PART_MAX_LENGTH, blank=True)
    name_en = models.CharField(_("English name"), max_length=NAME_EN_MAX_LENGTH, blank=True)
    domicile_city = models.ForeignKey(
        City, verbose_name=_("domicile city"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    window_city = models.ForeignKey(
        City, verbose_name=_("window city"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    form = models.CharField(_("form"), max_length=32, choices=EnterpriseType.choices, default=EnterpriseType.COMPANY)
    registered_capital_wan = models.DecimalField(
        _("registered capital (10,000 yuan)"),
        max_digits=18,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.0001"))],
    )
    legal_representative = models.CharField(
        _("legal representative"), max_length=LEGAL_REPRESENTATIVE_MAX_LENGTH, blank=True
    )
    legal_representative_id_number = models.CharField(
        _("legal representative's resident ID number"), max_length=18, blank=True
    )
    address = models.CharField(_("registered address"), max_length=ADDRESS_MAX_LENGTH, blank=True)
    industry_code = models.CharField(_("industry class (GB/T 4754)"), max_length=5, blank=True)
    # Text columns (no length in the database); the validators hold the limits.
    business_scope = models.TextField(
        _("business scope"), blank=True, validators=[MaxLengthValidator(BUSINESS_SCOPE_MAX_LENGTH)]
    )

    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    acceptance_due = models.DateField(_("acceptance due"), null=True, blank=True)
    examination_due = models.DateField(_("examination due"), null=True, blank=True)
    last_reason = models.TextField(_("reason given"), blank=True, validators=[MaxLengthValidator(REASON_MAX_LENGTH)])

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_on"]
        indexes = [
            models.Index(fields=["window_city", "state"], name="application_window_state"),
            models.Index(fields=["domicile_city", "state"], name="application_domicile_state"),
        ]

    def __str__(self) -> str:
        return self.name or str(_("Untitled application"))

    @property
    def reference(self) -> str:
        """A short reference people can read out at the window."""
        return str(self.public_id).split("-")[0].upper()


class Shareholder(models.Model):
    """A shareholder (investor) of the company applied for. Shares of one application sum to exactly 100 %."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="shareholders"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("shareholder name"), max_length=SHAREHOLDER_NAME_MAX_LENGTH)
    kind = models.CharField(_("kind"), max_length=16, choices=ShareholderKind.choices)
    id_number = models.CharField(_("ID number or USCC"), max_length=18)
    share_percent = models.DecimalField(
        _("share (%)"),
        max_digits=7,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0.0001")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        verbose_name = _("shareholder")
        verbose_name_plural = _("shareholders")
        ordering = ["application_id", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.share_display} %)"

    @property
    def share_display(self) -> str:
        return plain_decimal(self.share_percent)


class Document(models.Model):
    """A PDF handed in with an application, stored under MEDIA_ROOT with its SHA-256."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("document kind"), max_length=16, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to="onenetwork/documents/%Y/%m/")
    original_name = models.CharField(_("original file name"), max_length=DOCUMENT_NAME_MAX_LENGTH)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["application_id", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class NameReservation(models.Model):
    """A declared name reserved for an application at the registration authority of the domicile city."""

    application = models.OneToOneField(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="name_reservation"
    )
    authority = models.ForeignKey(City, verbose_name=_("registration authority"), on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    trade_name = models.CharField(_("trade name"), max_length=NAME_PART_MAX_LENGTH, db_index=True)
    industry_term = models.CharField(_("industry term"), max_length=NAME_PART_MAX_LENGTH, blank=True)
    reserved_at = models.DateTimeField(_("reserved at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)

    class Meta:
        verbose_name = _("name reservation")
        verbose_name_plural = _("name reservations")
        ordering = ["-reserved_at"]
        indexes = [models.Index(fields=["authority", "trade_name"], name="reservation_authority_trade")]

    def __str__(self) -> str:
        return self.name


class ApplicationEvent(models.Model):
    """One step of an application's life (a state transition, or a note such as a licence hand-over), for the
    applicant's timeline. The hash-chained audit log keeps the authoritative record as well."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="events"
    )
    from_state = models.CharField(_("from"), max_length=32, choices=ApplicationState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=32, choices=ApplicationState.choices, blank=True)
    step = models.CharField(_("step"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True, validators=[MaxLengthValidator(REASON_MAX_LENGTH)])

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["application_id", "occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.step} {self.from_state}→{self.to_state}"


class Licence(TrackedModel):
    """The business licence issued on approval: the USCC, the signed e-licence token and the PDF."""

    application = models.OneToOneField(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="licence"
    )
    enterprise = models.OneToOneField(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="licence"
    )
    uscc = models.CharField(_("Unified Social Credit Code"), max_length=18, unique=True)
    number = models.CharField(_("licence number"), max_length=32, unique=True)
    authority = models.ForeignKey(City, verbose_name=_("registration authority"), on_delete=models.PROTECT)
    issued_at = models.DateTimeField(_("issued at"))
    token = models.TextField(_("signed e-licence token"))
    pdf = models.FileField(_("PDF licence"), upload_to="onenetwork/licences/", blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoke_reason = models.TextField(
        _("revocation reason"), blank=True, validators=[MaxLengthValidator(REASON_MAX_LENGTH)]
    )
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"{self.number} ({self.uscc})"


class UsccSequence(models.Model):
    """The next organisation-code serial of one registration authority. Its row is locked while a code is
    allocated, so two approvals at the same moment never draw the same serial."""

    authority = models.OneToOneField(
        City, verbose_name=_("registration authority"), on_delete=models.PROTECT, primary_key=True
    )
    next_value = models.PositiveBigIntegerField(_("next serial"), default=1)

    class Meta:
        verbose_name = _("USCC sequence")
        verbose_name_plural = _("USCC sequences")

    def __str__(self) -> str:
        return f"{self.authority_id}: {self.next_value}"


class IdempotencyKey(models.Model):
    """The first response to a create or submit request sent with an Idempotency-Key header. A retried request
    with the same key gets this response back instead of a second application; the unique constraint settles
    two copies arriving at the same moment."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE)
    key = models.CharField(_("key"), max_length=128)
    operation = models.CharField(_("operation"), max_length=64)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status code"), default=0)
    response = models.JSONField(_("response"), null=True, blank=True)
    created_on = models.DateTimeField(_("created on"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique_user_key")]

    def __str__(self) -> str:
        return self.key


__all__ = [
    "Application",
    "ApplicationEvent",
    "Document",
    "IdempotencyKey",
    "Licence",
    "NameReservation",
    "Shareholder",
    "UsccSequence",
]
