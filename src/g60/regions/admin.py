from django.contrib import admin

from g60.regions.models import City


@admin.register(City)
class CityAdmin(admin.ModelAdmin[City]):
    list_display = ("code", "name_zh", "name_en", "province_zh", "level")
    search_fields = ("code", "name_zh", "name_en")
