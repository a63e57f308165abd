"""A household's history: the list of its changes, and the household as it was on a date."""

from collections.abc import Iterable
from datetime import date

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import FieldDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from huimin.registry import queries
from huimin.registry.access import get_household_for
from huimin.registry.forms import HouseholdForm, PersonForm
from huimin.registry.models import (
    AssetKind,
    Household,
    HouseholdSnapshot,
    IncomeType,
    Person,
    Relation,
)
from huimin.registry.views._common import region_names

# What each snapshot reason means, in words for the history list.
REASONS = {
    "household_create": gettext_lazy("Household registered"),
    "household_update": gettext_lazy("Household details changed"),
    "household_set_payee": gettext_lazy("Payee changed"),
    "household_set_head": gettext_lazy("Head of household changed"),
    "person_add": gettext_lazy("Member added"),
    "person_update": gettext_lazy("Member details changed"),
    "person_transfer_in": gettext_lazy("Member moved in"),
    "person_transfer_out": gettext_lazy("Member moved out"),
    "person_record_death": gettext_lazy("Death recorded"),
    "income_add": gettext_lazy("Income added"),
    "income_end": gettext_lazy("Income ended"),
    "asset_add": gettext_lazy("Asset added"),
    "asset_end": gettext_lazy("Asset ended"),
    "import": gettext_lazy("Imported from a file"),
}


# Snapshots whose changes name fields: a form's update, or an import's changes by household.
FIELD_REASONS = ("household_update", "person_update", "import")


def history_rows(snapshots: Iterable[HouseholdSnapshot]) -> list[dict]:
    """One row of the household page's history list per snapshot, newest first as given."""
    return [
        {
            "snapshot": snap,
            "what": REASONS.get(snap.reason, snap.reason),
            "note": snap.data.get("note", ""),
            "fields": _changed_fields(snap) if snap.reason in FIELD_REASONS else [],
        }
        for snap in snapshots
    ]


def _changed_fields(snapshot: object) -> list[str]:
    """The changed fields' labels, as the forms call them (model names are shared words)."""
    changes = snapshot.data.get("changes", {})  # type: ignore[attr-defined]
    names = [name for name in changes if name != "persons"]
    # An import records each member's changed fields under "persons": {member: {field: …}}.
    for fields in (changes.get("persons") or {}).values():
        names.extend(name for name in fields if name not in names)
    labels = []
    for name in names:
        form_field = PersonForm.base_fields.get(name) or HouseholdForm.base_fields.get(name)
        if form_field is not None and form_field.label:
            labels.append(str(form_field.label))
            continue
        for model in (Household, Person):
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if getattr(field, "concrete", False):  # not a relation's reverse side
                labels.append(str(getattr(field, "verbose_name", name)))
            break
    return labels


@login_required
@permission_required("registry.view_household", raise_exception=True)
@require_GET
def household_as_of(request: HttpRequest, household_id: int) -> HttpResponse:
    household = get_household_for(request.user, household_id)
    snapshot, when = None, None
    if request.GET.get("snapshot", "").isdigit():
        snapshot = household.snapshots.filter(pk=int(request.GET["snapshot"])).first()
    else:
        try:
            when = date.fromisoformat(request.GET.get("date", ""))
        except ValueError:
            when = timezone.localdate()
        snapshot = queries.household_as_of(household, when)
    data = snapshot.data if snapshot else {}
    names = region_names([data.get("household", {}).get("region_code", "")])
    _label_codes(data)
    context = {
        "household": household,
        "snapshot": snapshot,
        "when": when or (snapshot.taken_at.date() if snapshot else timezone.localdate()),
        "data": data,
        "what": REASONS.get(snapshot.reason, snapshot.reason) if snapshot else "",
        "village_name": names.get(data.get("household", {}).get("region_code", ""), ""),
    }
    return render(request, "registry/household_as_of.html", context)


def _label_codes(data: dict) -> None:
    """Replace the stored codes in a snapshot's data with their words, for display only."""
    for member in data.get("members", []):
        member["relation"] = _label(Relation, member.get("relation"))
    for income in data.get("incomes", []):
        income["income_type"] = _label(IncomeType, income.get("income_type"))
    for asset in data.get("assets", []):
        asset["kind"] = _label(AssetKind, asset.get("kind"))


def _label(choices: type, value: object) -> str:
    """The words for a stored code; an unknown code (from an older version) shows as it is."""
    try:
        return str(choices(value).label)  # type: ignore[operator]
    except ValueError:
        return str(value)
