from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from huimin.core.models import AuditEvent, Region, User


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "level"]
    list_filter = ["level"]
    search_fields = ["code", "name_zh", "name_en"]
    raw_id_fields = ["parent"]


@admin.register(User)
class HuiminUserAdmin(UserAdmin):
    fieldsets = [
        *UserAdmin.fieldsets,  # type: ignore[misc]
        ("Huimin", {"fields": ["full_name", "jurisdictions"]}),
    ]
    filter_horizontal = ["groups", "user_permissions", "jurisdictions"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the chain is written by services and never edited."""

    list_display = ["seq", "created_at", "actor_name", "action", "object_type", "object_id"]
    search_fields = ["action", "object_type", "object_id", "actor_name"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
