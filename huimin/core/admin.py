from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse

from huimin.core.admin_site import password_change_audited
from huimin.core.audit import audit_record
from huimin.core.models import AuditEvent, Region, User

# How a many-to-many field's members are named in the audit: roles by name, regions by code.
M2M_LABELS = {"groups": "name", "jurisdictions": "code", "user_permissions": "codename"}


class AuditedAdmin(admin.ModelAdmin):
    """Changes made in the admin are audited like any other: by whom, what, same transaction.

    Creations and changes (with what was added to or removed from many-to-many fields such as a
    user's roles and jurisdictions), deletions one by one and by "delete selected".
    """

    personal_fields: frozenset[str] = frozenset({"phone", "password", "password1", "password2"})

    def audit_region(self, obj: Model) -> str:
        """The region an event about `obj` concerns; "" leaves it to the actor's jurisdiction."""
        return ""

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        # Called after save_model, when the many-to-many values are written: the one point where
        # both the old and the new roles and regions can be read.
        obj = form.instance
        with transaction.atomic():
            m2m = [f.name for f in obj._meta.many_to_many if f.name in form.fields]
            before = {name: self._members(obj, name) for name in m2m}
            super().save_related(request, form, formsets, change)
            changed = sorted(form.changed_data)
            changes: dict[str, object] = {
                "fields": changed,
                "personal_fields": sorted(self.personal_fields & set(changed)),
            }
            for name in m2m:
                after = self._members(obj, name)
                if after != before[name]:
                    changes[name] = {
                        "added": sorted(after - before[name]),
                        "removed": sorted(before[name] - after),
                    }
            audit_record(
                actor=request.user,
                action=f"{obj._meta.model_name}.{'change' if change else 'create'}_in_admin",
                object_type=obj._meta.model_name,
                object_id=obj.pk,
                region_code=self.audit_region(obj),
                changes=changes,
                request=request,
            )

    @staticmethod
    def _members(obj: Model, name: str) -> set[str]:
        label = M2M_LABELS.get(name, "pk")
        return {str(v) for v in getattr(obj, name).values_list(label, flat=True)}

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        with transaction.atomic():
            self._audit_deletion(request, obj, bulk=False)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        """The "delete selected" action: one event per record deleted, with the deletion."""
        with transaction.atomic():
            for obj in queryset:
                self._audit_deletion(request, obj, bulk=True)
            super().delete_queryset(request, queryset)

    def _audit_deletion(self, request: HttpRequest, obj: Model, *, bulk: bool) -> None:
        audit_record(
            actor=request.user,  # type: ignore[arg-type]
            action=f"{obj._meta.model_name}.delete_in_admin",
            object_type=str(obj._meta.model_name),
            object_id=obj.pk,
            region_code=self.audit_region(obj),
            changes={"name": str(obj), "bulk": bulk},
            request=request,
        )


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["code", "name_zh", "name_en", "level"]
    list_filter = ["level"]
    search_fields = ["code", "name_zh", "name_en"]
    raw_id_fields = ["parent"]

    def audit_region(self, obj: Model) -> str:
        return obj.code  # type: ignore[attr-defined]


@admin.register(User)
class HuiminUserAdmin(AuditedAdmin, UserAdmin):  # type: ignore[misc]
    fieldsets = [
        *UserAdmin.fieldsets,  # type: ignore[misc]
        ("Huimin", {"fields": ["full_name", "jurisdictions"]}),
    ]
    filter_horizontal = ["groups", "user_permissions", "jurisdictions"]

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        with password_change_audited(request, unquote(id), "user.set_password_in_admin"):
            return super().user_change_password(request, id, form_url)


# Roles are groups: a change to what a role may do is audited like a change to who holds it.
admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(AuditedAdmin, GroupAdmin):
    pass


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
