"""The corridor's enterprise register: one row per enterprise, keyed by its Unified Social Credit Code."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from g60.core.models import ArchivableModel, TrackedModel
from g60.regions.models import City
from g60.registry.constants import EnterpriseSource, EnterpriseStatus, EnterpriseType
from g60.registry.validators import validate_industry_class, validate_resident_id, validate_uscc


class Enterprise(TrackedModel, ArchivableModel):
    """An enterprise registered in one of the nine cities. Archived, never deleted."""

    uscc = models.CharField(_("Unified Social Credit Code"), max_length=18, unique=True, validators=[validate_uscc])
    name = models.CharField(_("name"), max_length=200, db_index=True)
    name_en = models.CharField(_("English name"), max_length=255, blank=True)
    type = models.CharField(_("type"), max_length=32, choices=EnterpriseType.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=EnterpriseStatus.choices, default=EnterpriseStatus.ACTIVE
    )
    city = models.ForeignKey(
        City, verbose_name=_("registration city"), on_delete=models.PROTECT, related_name="enterprises"
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
    business_scope = models.TextField(_("business scope"), blank=True)
    source = models.CharField(_("source"), max_length=16, choices=EnterpriseSource.choices)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["uscc"]
        indexes = [
            models.Index(fields=["city", "status"], name="enterprise_city_status"),
            models.Index(fields=["industry_code"], name="enterprise_industry"),
            models.Index(fields=["established_on"], name="enterprise_established"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.uscc})"


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
