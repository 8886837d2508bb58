from django.contrib import admin
from django.http import HttpRequest

from g60.signing.models import SigningKey


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin[SigningKey]):
    """Read-only: keys are made and rotated by services (audited); the encrypted private key is not shown."""

    list_display = ("kid", "city", "algorithm", "created_on", "retired_on")
    list_filter = ("city", "algorithm")
    fields = ("kid", "city", "sequence", "algorithm", "public_key", "created_on", "retired_on")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SigningKey | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: SigningKey | None = None) -> bool:
        return False
