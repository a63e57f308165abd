"""A run's figures made ready for the page: tables in yuan and words, and the charts' data."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from huimin.core.money import format_yuan
from huimin.rules import PROGRAMS

HOUSEHOLD_TYPE_LABELS = {
    "one_person": gettext_lazy("one person"),
    "elderly_only": gettext_lazy("old people only"),
    "one_adult_with_children": gettext_lazy("one adult with children"),
    "with_children": gettext_lazy("with children"),
    "with_disabled": gettext_lazy("with a disabled member"),
    "other": gettext_lazy("other"),
}


def program_title(name: str) -> str:
    program = PROGRAMS[name]
    return program.title_zh if (get_language() or "zh").startswith("zh") else program.title_en


def _yuan(fen: Any) -> str:
    return "—" if fen is None else format_yuan(int(fen))


def _money_rows(rows: list[dict[str, Any]], label: Any) -> list[dict[str, Any]]:
    return [
        {
            "label": label(row),
            "households": row.get("households"),
            "baseline": _yuan(row.get("baseline_fen")),
            "reform": _yuan(row.get("reform_fen")),
            "change": _yuan(row.get("change_fen")),
            "suppressed": row.get("suppressed", False),
        }
        for row in rows
    ]


def county_label(code: str, names: Mapping[str, str]) -> str:
    """A county as readers know it, by name, with its code (a region the registry does not
    know, from a survey file, by its code alone)."""
    name = names.get(code)
    return f"{name} {code}" if name else code


def tables(figures: dict[str, Any], names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """`names`: county code -> name in the reader's language."""
    cost = figures["cost"]
    names = names or {}
    return {
        "monthly": {k: _yuan(v) for k, v in cost["monthly"].items()},
        "yearly": {k: _yuan(v) for k, v in cost["yearly"].items()},
        "programs": _money_rows(cost["by_program"], lambda row: program_title(row["program"])),
        "regions": _money_rows(cost["by_region"], lambda row: county_label(row["region"], names)),
        "household_types": _money_rows(
            cost["by_household_type"], lambda row: HOUSEHOLD_TYPE_LABELS[row["household_type"]]
        ),
        "recipients": [
            dict(row, title=program_title(row["program"])) for row in figures["recipients"]
        ],
        "deciles": [
            dict(row, mean_change=_yuan(row.get("mean_change_fen")))
            for row in figures["winners_losers"]["by_decile"]
        ],
        "types": [
            dict(row, label=HOUSEHOLD_TYPE_LABELS[row["household_type"]])
            for row in figures["winners_losers"]["by_household_type"]
        ],
    }


def chart_data(figures: dict[str, Any], names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """What static/simulation/charts.js draws: labels already in the reader's language."""
    names = names or {}
    regions = [r for r in figures["cost"]["by_region"] if not r.get("suppressed")]
    deciles = [d for d in figures["winners_losers"]["by_decile"] if not d.get("suppressed")]
    lorenz = figures["inequality"]["lorenz"]
    return {
        "labels": {
            "baseline": _("today's rules"),
            "reform": _("reform"),
            "equality": _("equal shares"),
            "cost_by_region": _("Monthly cost by county (yuan)"),
            "deciles": _("Average change per household by income decile (yuan a month)"),
            "lorenz": _("Lorenz curve of income per person after assistance"),
            "population_share": _("share of persons, poorest first"),
            "income_share": _("share of income"),
        },
        "regions": [county_label(r["region"], names) for r in regions],
        "region_baseline": [r["baseline_fen"] / 100 for r in regions],
        "region_reform": [r["reform_fen"] / 100 for r in regions],
        "deciles": [str(d["decile"]) for d in deciles],
        "decile_change": [d["mean_change_fen"] / 100 for d in deciles],
        "lorenz_baseline": lorenz["baseline"],
        "lorenz_reform": lorenz["reform"],
    }
