from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import transaction

from huimin.core.audit import audit_record
from huimin.core.models import AuditEvent, Region, User


class AuditedAdmin(admin.ModelAdmin):
    """Changes made in the admin are audited like any other: which fields, by whom, same transaction."""

    personal_fields: frozenset[str] = frozenset({"phone", "password"})

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            changed = sorted(form.changed_data)
            audit_record(
                actor=request.user,
                action=f"{obj._meta.model_name}.{'change' if change else 'create'}_in_admin",
                object_type=obj._meta.model_name,
                object_id=obj.pk,
                changes={
                    "fields": changed,
                    "personal_fields": sorted(self.personal_fields & set(changed)),
                },
                request=request,
            )

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action=f"{obj._meta.model_name}.delete_in_admin",
                object_type=obj._meta.model_name,
                object_id=obj.pk,
                request=request,
            )
            super().delete_model(request, obj)


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["code", "name_zh", "name_en", "level"]
    list_filter = ["level"]
    search_fields = ["code", "name_zh", "name_en"]
    raw_id_fields = ["parent"]


@admin.register(User)
class HuiminUserAdmin(AuditedAdmin, UserAdmin):  # type: ignore[misc]
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
