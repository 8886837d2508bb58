from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from g60.accounts.models import Membership, User


class MembershipInline(admin.TabularInline[Membership, User]):
    """Read-only here: memberships change through `membership_grant`/`membership_revoke`, which audit them."""

    model = Membership
    extra = 0
    readonly_fields = ("role", "city", "granted_on")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ("username", "display_name", "email", "is_active", "is_superuser")
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), ("G60", {"fields": ("display_name",)}))
