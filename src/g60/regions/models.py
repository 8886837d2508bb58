"""The nine cities of the G60 corridor, keyed by their GB/T 2260 division code."""

from decimal import Decimal

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

division_code_validator = RegexValidator(r"^\d{6}$", _("A division code is six digits (GB/T 2260)."))


class CityLevel(models.TextChoices):
    DISTRICT = "district", _("district")
    CITY = "city", _("prefecture-level city")


def prefers_chinese() -> bool:
    return (get_language() or "zh-hans").lower().startswith("zh")


class City(models.Model):
    """A city (or Shanghai district) of the corridor and its market-regulation registration authority.

    The division code is the primary key: it is what the USCC carries (positions 3-8) and what the cities'
    own systems send, so every reference to a city reads as a code people recognise.
    """

    code = models.CharField(_("division code"), max_length=6, primary_key=True, validators=[division_code_validator])
    name_zh = models.CharField(_("Chinese name"), max_length=32)
    name_en = models.CharField(_("English name"), max_length=64)
    province_code = models.CharField(_("province code"), max_length=6, validators=[division_code_validator])
    province_zh = models.CharField(_("province (Chinese)"), max_length=16)
    province_en = models.CharField(_("province (English)"), max_length=32)
    level = models.CharField(_("level"), max_length=16, choices=CityLevel.choices)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5)
    authority_zh = models.CharField(_("registration authority (Chinese)"), max_length=64)
    authority_en = models.CharField(_("registration authority (English)"), max_length=128)
    sort_order = models.PositiveSmallIntegerField(_("order along the corridor"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The city's name in the active language."""
        return self.name_zh if prefers_chinese() else self.name_en

    @property
    def province(self) -> str:
        return self.province_zh if prefers_chinese() else self.province_en

    @property
    def authority(self) -> str:
        return self.authority_zh if prefers_chinese() else self.authority_en

    @property
    def coordinates(self) -> tuple[Decimal, Decimal]:
        return (self.latitude, self.longitude)
