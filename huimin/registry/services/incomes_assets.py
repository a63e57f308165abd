"""Writes to incomes (of a member) and assets (of a household): each added, and later ended."""

from datetime import date

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.core.errors import ValidationFailed
from huimin.core.models import User
from huimin.registry.models import Asset, AssetKind, Household, IncomeRecord, IncomeType, Person
from huimin.registry.services._common import audit, iso, lock_household, tell_casework
from huimin.registry.services.snapshots import snapshot_take
from huimin.registry.validation import check_amount, check_period, clean_exclusion_reason


@transaction.atomic
def income_add(
    *,
    actor: User,
    person: Person,
    income_type: str,
    monthly_fen: int,
    valid_from: date,
    valid_to: date | None = None,
    verified: bool = False,
    exclusion_reason: str = "",
    note: str = "",
    request: HttpRequest | None = None,
) -> IncomeRecord:
    """An income of one member, recorded as it is: each program's parameters decide whether its
    kind counts. A non-empty `exclusion_reason` excludes this one record from every program."""
    household = lock_household(person.household)
    if income_type not in IncomeType.values:
        raise ValidationFailed(_("choose the kind of income"), field="income_type")
    check_amount(monthly_fen, field="monthly_fen")
    check_period(valid_from, valid_to)
    exclusion_reason = clean_exclusion_reason(exclusion_reason)
    income = IncomeRecord.objects.create(
        person=person,
        income_type=income_type,
        monthly_fen=monthly_fen,
        valid_from=valid_from,
        valid_to=valid_to,
        verified=verified,
        exclusion_reason=exclusion_reason,
        note=note.strip(),
    )
    changes = {
        "income_type": [None, income_type],
        "monthly_fen": [None, monthly_fen],
        "valid_from": [None, str(valid_from)],
        "verified": [None, verified],
    }
    if exclusion_reason:
        changes["exclusion_reason"] = [None, exclusion_reason]
    audit(actor, "income.add", household, changes, request, obj=income)
    snapshot_take(household, actor, "income_add", changes, note=person.name)
    tell_casework(
        actor=actor,
        kind="income",
        household=household,
        person=person,
        on=max(valid_from, timezone.localdate()),
        request=request,
    )
    return income


@transaction.atomic
def income_end(
    *, actor: User, income: IncomeRecord, valid_to: date, request: HttpRequest | None = None
) -> IncomeRecord:
    household = lock_household(income.person.household)
    income = IncomeRecord.objects.select_for_update().get(pk=income.pk)
    check_period(income.valid_from, valid_to)
    changes = {"valid_to": [iso(income.valid_to), str(valid_to)]}
    income.valid_to = valid_to
    income.save(update_fields=["valid_to"])
    audit(actor, "income.end", household, changes, request, obj=income)
    snapshot_take(household, actor, "income_end", changes, note=income.person.name)
    return income


@transaction.atomic
def asset_add(
    *,
    actor: User,
    household: Household,
    kind: str,
    value_fen: int,
    valid_from: date,
    valid_to: date | None = None,
    is_disability_vehicle: bool = False,
    description: str = "",
    request: HttpRequest | None = None,
) -> Asset:
    household = lock_household(household)
    if kind not in AssetKind.values:
        raise ValidationFailed(_("choose the kind of asset"), field="kind")
    check_amount(value_fen, field="value_fen")
    check_period(valid_from, valid_to)
    if is_disability_vehicle and kind != AssetKind.VEHICLE:
        raise ValidationFailed(
            _("only a vehicle can be a disability vehicle"), field="is_disability_vehicle"
        )
    asset = Asset.objects.create(
        household=household,
        kind=kind,
        value_fen=value_fen,
        valid_from=valid_from,
        valid_to=valid_to,
        is_disability_vehicle=is_disability_vehicle,
        description=description.strip(),
    )
    changes = {
        "kind": [None, kind],
        "value_fen": [None, value_fen],
        "valid_from": [None, str(valid_from)],
    }
    audit(actor, "asset.add", household, changes, request, obj=asset)
    snapshot_take(household, actor, "asset_add", changes, note=asset.get_kind_display())
    return asset


@transaction.atomic
def asset_end(
    *, actor: User, asset: Asset, valid_to: date, request: HttpRequest | None = None
) -> Asset:
    household = lock_household(asset.household)
    asset = Asset.objects.select_for_update().get(pk=asset.pk)
    check_period(asset.valid_from, valid_to)
    changes = {"valid_to": [iso(asset.valid_to), str(valid_to)]}
    asset.valid_to = valid_to
    asset.save(update_fields=["valid_to"])
    audit(actor, "asset.end", household, changes, request, obj=asset)
    snapshot_take(household, actor, "asset_end", changes, note=asset.get_kind_display())
    return asset
