from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


# --- The administrator's parameter change form: a field that knows each parameter's unit. ---

INTEGER_UNITS = ("count", "days", "months", "years", "grade")


def unit_kind(unit: str, value: object) -> str:
    """How a value of this unit is typed: yuan, ratio, whole number, yes/no, text or a table."""
    if unit.startswith("fen"):
        return "yuan" if isinstance(value, int) and not isinstance(value, bool) else "table"
    if unit == "ratio" and isinstance(value, int | float) and not isinstance(value, bool):
        return "ratio"
    if unit in INTEGER_UNITS and isinstance(value, int) and not isinstance(value, bool):
        return "integer"
    if unit == "flag" or isinstance(value, bool):
        return "flag"
    if isinstance(value, str):
        return "text"
    return "table"


def value_initial(kind: str, value: object) -> object:
    from huimin.core.money import format_yuan

    if kind == "yuan":
        return format_yuan(int(value)).replace(",", "")  # type: ignore[call-overload]
    if kind == "flag":
        return "1" if value else "0"
    if kind == "table":
        import json

        return json.dumps(value, ensure_ascii=False)
    return value


class ParameterChangeForm(forms.Form):
    name = forms.ChoiceField(label=gettext_lazy("Parameter"))
    region = forms.ChoiceField(label=gettext_lazy("Region"))
    start = forms.DateField(
        label=gettext_lazy("In force from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    source = forms.CharField(
        label=gettext_lazy("Document reference (文号)"),
        max_length=300,
        help_text=gettext_lazy("The document that sets this value, e.g. 大民发〔2026〕12号."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args: object,
        names: list[tuple[str, str]],
        regions: list[tuple[str, str]],
        kind: str,
        unit_words: str,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["name"].choices = names  # type: ignore[attr-defined]
        self.fields["region"].choices = regions  # type: ignore[attr-defined]
        self.kind = kind
        label = gettext_lazy("New value")
        if kind == "yuan":
            field: forms.Field = forms.CharField(
                label=label, help_text=_("in yuan (%(unit)s)") % {"unit": unit_words}
            )
        elif kind == "ratio":
            field = forms.DecimalField(
                label=label,
                max_digits=12,
                decimal_places=6,
                min_value=0,
                help_text=_("a ratio: 0.3 is 30%, 1.5 is one and a half times"),
            )
        elif kind == "integer":
            field = forms.IntegerField(label=label, min_value=0, help_text=unit_words)
        elif kind == "flag":
            field = forms.TypedChoiceField(
                label=label,
                choices=[("1", _("yes")), ("0", _("no"))],
                coerce=lambda v: v == "1",
            )
        elif kind == "text":
            field = forms.CharField(label=label, max_length=100, help_text=unit_words)
        else:
            field = forms.CharField(
                label=label,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=_("a table, written as JSON like the value shown: %(unit)s")
                % {"unit": unit_words},
            )
        self.fields["value"] = field
        self.order_fields(["name", "region", "value", "start", "source", "note"])

    def clean_value(self):  # type: ignore[no-untyped-def]
        import json

        from huimin.core.errors import HuiminError
        from huimin.core.money import parse_yuan

        raw = self.cleaned_data["value"]
        if self.kind == "yuan":
            try:
                return parse_yuan(str(raw), field="value")
            except HuiminError as error:
                raise forms.ValidationError(error.message) from error
        if self.kind == "ratio":
            value = float(raw)
            return int(value) if value.is_integer() and value >= 1 else value
        if self.kind == "table":
            try:
                return json.loads(raw)
            except ValueError as error:
                raise forms.ValidationError(
                    _("This is not a table the system can read: %(error)s") % {"error": error}
                ) from error
        return raw
