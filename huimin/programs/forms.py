from django import forms
from django.utils.translation import gettext as _

from huimin.programs.models import ParameterOverride
from huimin.programs.parameters import live_parameters
from huimin.rules.errors import RulesError


class ParameterOverrideForm(forms.ModelForm):
    class Meta:
        model = ParameterOverride
        fields = ["name", "region", "start", "value", "unit", "source"]

    def clean(self):  # type: ignore[no-untyped-def]
        cleaned = super().clean() or {}
        record = {key: cleaned.get(key) for key in ("name", "region", "start", "value", "source")}
        if None in record.values():
            return cleaned
        try:
            live_parameters().with_overrides([{**record, "region": record["region"] or ""}])
        except RulesError as error:
            raise forms.ValidationError(
                _("The rules engine refuses this value: %(error)s"), params={"error": error}
            ) from error
        return cleaned
