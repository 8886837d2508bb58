"""Bearer tokens for the API. Only a SHA-256 digest of each token is stored; the token is shown once."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=64, blank=True)
    prefix = models.CharField(_("prefix"), max_length=12, help_text=_("The first characters, to recognise a token."))
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_on = models.DateTimeField(_("created on"), auto_now_add=True)
    last_used_on = models.DateTimeField(_("last used on"), null=True, blank=True)
    revoked_on = models.DateTimeField(_("revoked on"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
