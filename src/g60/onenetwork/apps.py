from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnenetworkConfig(AppConfig):
    name = "g60.onenetwork"
    label = "onenetwork"
    verbose_name = _("One network for all")
    default_auto_field = "django.db.models.BigAutoField"
