"""The page's scenario form: the same mapping a YAML file gives (scenario.check_scenario)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from huimin.rules import load_parameters
from huimin.simulation.reforms import REFORM_MODULES
from huimin.simulation.scenario import NEEDS

CHANGE_ROWS = 3
KINDS = (("scale", _("multiply by")), ("value", _("set to")))
NEED_LABELS = {
    "poverty_line": _("below the poverty line"),
    "poorest_quintile": _("the poorest 20%"),
}


def parameter_choices() -> list[tuple[str, str]]:
    parameters = load_parameters()
    choices = [("", "—")]
    for name in parameters.names():
        unit = parameters.definitions[name].unit
        if unit.startswith("fen") or unit in ("ratio", "count", "years", "months", "days", "flag"):
            choices.append((name, f"{name} ({unit})"))
    return choices


def module_choices() -> list[tuple[str, str]]:
    from django.utils.translation import get_language

    chinese = (get_language() or "zh").startswith("zh")
    return [("", "—")] + [
        (name, reform.title_zh if chinese else reform.title_en)
        for name, reform in REFORM_MODULES.items()
    ]


class ScenarioForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    period_from = forms.CharField(
        label=_("First month"), widget=forms.TextInput(attrs={"type": "month"})
    )
    period_to = forms.CharField(
        label=_("Last month"), required=False, widget=forms.TextInput(attrs={"type": "month"}),
        help_text=_("Leave empty for one month."),
    )  # fmt: skip
    source = forms.ChoiceField(
        label=_("Population"),
        choices=(("registry", _("the registry")), ("synthetic", _("a synthetic population"))),
    )
    region = forms.CharField(label=_("Region code"), max_length=12)
    persons = forms.IntegerField(
        label=_("Persons (synthetic)"),
        min_value=1,
        max_value=2_000_000,
        initial=100_000,
        required=False,
    )
    seed = forms.IntegerField(label=_("Seed (synthetic)"), min_value=0, initial=1, required=False)
    module = forms.ChoiceField(label=_("Change to a program's rule"), required=False)
    module_option = forms.IntegerField(
        label=_("Amount for that change (fen)"), required=False, min_value=0
    )
    poverty_line_yuan = forms.DecimalField(
        label=_("Poverty line (yuan per person per month)"),
        min_value=Decimal("0.01"),
        decimal_places=2,
    )
    need = forms.ChoiceField(
        label=_("Who counts as in need"), choices=[(n, NEED_LABELS[n]) for n in NEEDS]
    )
    min_cell = forms.IntegerField(
        label=_("Smallest group shown to other regions"), min_value=1, initial=10
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["module"].choices = module_choices()  # type: ignore[attr-defined]
        names = parameter_choices()
        for i in range(1, CHANGE_ROWS + 1):
            self.fields[f"param_{i}"] = forms.ChoiceField(
                label=_("Parameter"), choices=names, required=False
            )
            self.fields[f"kind_{i}"] = forms.ChoiceField(
                label=_("Change"), choices=KINDS, required=False
            )
            self.fields[f"amount_{i}"] = forms.CharField(
                label=_("By or to"), required=False, max_length=40
            )
            self.fields[f"region_{i}"] = forms.CharField(
                label=_("Only in region"), required=False, max_length=12
            )
            self.fields[f"from_{i}"] = forms.DateField(
                label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
            )

    def change_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"{key}_{i}"] for key in ("param", "kind", "amount", "region", "from")]
            for i in range(1, CHANGE_ROWS + 1)
        ]

    def raw(self) -> dict[str, Any]:
        """The scenario mapping (checked afterwards by the services, naming each problem)."""
        data = self.cleaned_data
        first, last = data["period_from"], data.get("period_to") or ""
        population: dict[str, Any] = {"source": data["source"], "region": data["region"].strip()}
        if data["source"] == "synthetic":
            population |= {"persons": data.get("persons") or 100_000, "seed": data.get("seed") or 1}
        changes = []
        for i in range(1, CHANGE_ROWS + 1):
            name = data.get(f"param_{i}")
            if not name:
                continue
            change: dict[str, Any] = {
                "name": name,
                data.get(f"kind_{i}") or "scale": _number(data.get(f"amount_{i}") or ""),
            }
            if data.get(f"region_{i}"):
                change["region"] = data[f"region_{i}"].strip()
            if data.get(f"from_{i}"):
                change["from"] = data[f"from_{i}"].isoformat()
            changes.append(change)
        reform: dict[str, Any] = {"parameters": changes}
        if data.get("module"):
            definition = REFORM_MODULES[data["module"]]
            options = {}
            if data.get("module_option") is not None:
                options[next(iter(definition.options))] = data["module_option"]
            reform["module"] = {"name": data["module"], "options": options}
        return {
            "name": data["name"],
            "period": first if not last or last == first else {"from": first, "to": last},
            "population": population,
            "reform": reform,
            "metrics": {
                "poverty_line_fen": int(data["poverty_line_yuan"] * 100),
                "need": data["need"],
                "min_cell": data["min_cell"],
            },
        }


def _number(text: str) -> Any:
    """A typed amount as the number it is (the scenario check names what is wrong with it)."""
    text = text.strip()
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def initial_from(spec: dict[str, Any]) -> dict[str, Any]:
    """Form values from a stored version, to revise it."""
    period = spec["period"]
    first, last = (period["from"], period["to"]) if isinstance(period, dict) else (period, "")
    population = spec["population"]
    metrics = spec["metrics"]
    initial: dict[str, Any] = {
        "name": spec["name"],
        "period_from": first,
        "period_to": last,
        "source": population["source"],
        "region": population.get("region", ""),
        "persons": population.get("persons"),
        "seed": population.get("seed"),
        "poverty_line_yuan": Decimal(metrics["poverty_line_fen"]) / 100,
        "need": metrics.get("need", "poverty_line"),
        "min_cell": metrics.get("min_cell", 10),
    }
    for i, change in enumerate(spec["reform"].get("parameters", [])[:CHANGE_ROWS], start=1):
        kind = "scale" if "scale" in change else "value"
        initial |= {
            f"param_{i}": change["name"],
            f"kind_{i}": kind,
            f"amount_{i}": str(change[kind]),
            f"region_{i}": change.get("region", ""),
            f"from_{i}": dt.date.fromisoformat(change["from"]) if change.get("from") else None,
        }
    module = spec["reform"].get("module")
    if module:
        initial["module"] = module["name"]
        initial["module_option"] = next(iter(module.get("options", {}).values()), None)
    return initial
