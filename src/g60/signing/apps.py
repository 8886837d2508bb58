from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "g60.signing"
    label = "signing"
    verbose_name = _("Signing keys and e-licences")
