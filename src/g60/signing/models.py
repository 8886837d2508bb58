"""The cities' signing keys. Each city signs its e-licences with its one active key; retired keys stay in the
table (and in the published key list) forever, so licences signed before a rotation still verify."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from g60.regions.models import City
from g60.signing.algorithms import SCHEMES


class SigningKey(models.Model):
    """One key pair of a city's registration authority. The private half is stored encrypted (keystore.py)."""

    city = models.ForeignKey(City, verbose_name=_("city"), on_delete=models.PROTECT, related_name="signing_keys")
    kid = models.CharField(_("key id"), max_length=32, unique=True)
    sequence = models.PositiveIntegerField(_("sequence in the city"))
    algorithm = models.CharField(_("algorithm"), max_length=16, choices=[(name, name) for name in SCHEMES])
    public_key = models.CharField(_("public key (base64url)"), max_length=128)
    private_key_encrypted = models.TextField(_("private key (encrypted)"), editable=False)
    created_on = models.DateTimeField(_("created on"), auto_now_add=True)
    retired_on = models.DateTimeField(_("retired on"), null=True, blank=True)

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["city_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["city", "sequence"], name="signing_key_city_sequence"),
            # Exactly one active key per city: the database refuses a second, whatever the code does.
            models.UniqueConstraint(
                fields=["city"], condition=Q(retired_on__isnull=True), name="signing_key_one_active_per_city"
            ),
        ]

    def __str__(self) -> str:
        return self.kid

    @property
    def is_active(self) -> bool:
        return self.retired_on is None
