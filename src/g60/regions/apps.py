from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "g60.regions"
    label = "regions"
    verbose_name = _("Regions")

    def ready(self) -> None:
        from g60.regions.models import City
        from g60.regions.selectors import cities_forget

        post_save.connect(cities_forget, sender=City, dispatch_uid="regions.cities_forget.save")
        post_delete.connect(cities_forget, sender=City, dispatch_uid="regions.cities_forget.delete")
