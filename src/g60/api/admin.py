from django.contrib import admin

from g60.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ("prefix", "user", "name", "created_on", "last_used_on", "revoked_on")
    readonly_fields = ("prefix", "digest", "created_on", "last_used_on")
