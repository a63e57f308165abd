from django.contrib import admin
from django.http import HttpRequest

from huimin.programs.forms import ParameterOverrideForm
from huimin.programs.models import ParameterOverride
from huimin.programs.services import parameter_override_create, parameter_override_retire


@admin.register(ParameterOverride)
class ParameterOverrideAdmin(admin.ModelAdmin):
    """Values in force, listed and retired; a value in force is never edited in place, and a new
    one is added only by an approved proposal (programs/services.py)."""

    form = ParameterOverrideForm
    list_display = ["name", "region", "start", "value", "source", "retired_at"]
    list_filter = ["name"]
    search_fields = ["name", "region", "source"]
    fields = ["name", "region", "start", "value", "unit", "source"]
    actions = ["retire"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A new value goes through /programs/parameters/: proposed, then approved by a second
        # person. The admin only lists values and retires them.
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        saved = parameter_override_create(
            actor=request.user,
            name=obj.name,
            region=obj.region,
            start=obj.start,
            value=obj.value,
            source=obj.source,
            unit=obj.unit,
        )
        obj.pk = saved.pk

    @admin.action(description="Retire the selected values")
    def retire(self, request, queryset):  # type: ignore[no-untyped-def]
        for override in queryset:
            parameter_override_retire(actor=request.user, override_id=override.pk)
