from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "g60.registry"
    label = "registry"
    verbose_name = _("Enterprise register")

    def ready(self) -> None:
        from g60.registry import import_indexes, maintenance_checks  # noqa: F401 - register their system checks
