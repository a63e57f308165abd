"""Snapshots: the whole household after each change, personal data masked, for as-of reads."""

from datetime import date

from django.utils import timezone

from huimin.core.models import User
from huimin.core.pii import mask, mask_bank_account, mask_phone
from huimin.registry.models import Household, HouseholdSnapshot, Person
from huimin.registry.services._common import iso
from huimin.registry.validation import PersonFacts

SNAPSHOT_PERSON_FIELDS = tuple(f for f in PersonFacts.PERSON_FIELDS if f != "id_number")


def snapshot_take(
    household: Household, actor: User, reason: str, changes: dict, note: str = ""
) -> HouseholdSnapshot:
    return HouseholdSnapshot.objects.create(
        household=household,
        taken_at=timezone.now(),
        changed_by=actor if actor.pk else None,
        reason=reason,
        data={**snapshot_data(household), "changes": changes, "note": note},
    )


def snapshot_data(household: Household) -> dict:
    """The household as it stands, personal data masked: what a history page may show."""
    members = list(
        Person.objects.filter(household=household)
        .prefetch_related("incomes")
        .order_by("birth_date", "pk")
    )
    today = timezone.localdate()
    return {
        "household": _household_data(household),
        "members": [_member_data(member) for member in members],
        "incomes": _open_incomes(members, today),
        "assets": _open_assets(household, today),
    }


def _household_data(household: Household) -> dict:
    return {
        "id": household.pk,
        "household_no": household.household_no,
        "region_code": household.region_code,
        "address": household.address,
        "residence_type": household.residence_type,
        "status": household.status,
        "payee_id": household.payee_id,
        "bank_name": household.bank_name,
        "bank_account": mask_bank_account(household.bank_account),
        "phone": mask_phone(household.phone),
        "version": household.version,
    }


def _member_data(member: Person) -> dict:
    return {
        "id": member.pk,
        "id_number": mask(member.id_number),
        **{name: _jsonable(getattr(member, name)) for name in SNAPSHOT_PERSON_FIELDS},
        "death_date": iso(member.death_date),
    }


def _open_incomes(members: list[Person], today: date) -> list[dict]:
    """Incomes not ended before today; `members` come with their incomes prefetched."""
    return [
        {
            "id": income.pk,
            "person_id": member.pk,
            "person_name": member.name,
            "income_type": income.income_type,
            "monthly_fen": income.monthly_fen,
            "valid_from": iso(income.valid_from),
            "valid_to": iso(income.valid_to),
            "verified": income.verified,
            "exclusion_reason": income.exclusion_reason,
        }
        for member in members
        for income in member.incomes.all()
        if income.valid_to is None or income.valid_to >= today
    ]


def _open_assets(household: Household, today: date) -> list[dict]:
    return [
        {
            "id": asset.pk,
            "kind": asset.kind,
            "value_fen": asset.value_fen,
            "is_disability_vehicle": asset.is_disability_vehicle,
            "description": asset.description,
            "valid_from": iso(asset.valid_from),
            "valid_to": iso(asset.valid_to),
        }
        for asset in household.assets.order_by("valid_from", "pk")
        if asset.valid_to is None or asset.valid_to >= today
    ]


def _jsonable(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    return value
