"""Snapshots: the whole household after each change, personal data masked, for as-of reads."""

from collections.abc import Iterable, Mapping
from datetime import date

from django.utils import timezone

from huimin.core.models import User
from huimin.core.pii import mask, mask_bank_account, mask_phone
from huimin.registry.models import Asset, Household, HouseholdSnapshot, IncomeRecord, Person
from huimin.registry.services._common import iso
from huimin.registry.validation import PersonFacts

SNAPSHOT_PERSON_FIELDS = tuple(f for f in PersonFacts.PERSON_FIELDS if f != "id_number")


SNAPSHOT_BATCH = 500  # households per query when many are snapshotted at once


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


def snapshot_take_many(
    household_ids: Iterable[int],
    *,
    actor: User | None,
    reason: str,
    changes: Mapping[int, dict],
    note: str = "",
) -> int:
    """`snapshot_take` for many households: a few queries and one bulk insert per batch."""
    ids = sorted(set(household_ids))
    now = timezone.now()
    changed_by = actor if actor is not None and actor.pk else None
    written = 0
    for start in range(0, len(ids), SNAPSHOT_BATCH):
        batch = list(Household.objects.filter(pk__in=ids[start : start + SNAPSHOT_BATCH]))
        datas = snapshot_data_many(batch)
        HouseholdSnapshot.objects.bulk_create(
            [
                HouseholdSnapshot(
                    household_id=pk,
                    taken_at=now,
                    changed_by=changed_by,
                    reason=reason,
                    data={**data, "changes": changes.get(pk, {}), "note": note},
                )
                for pk, data in datas.items()
            ]
        )
        written += len(datas)
    return written


def snapshot_data(household: Household) -> dict:
    """The household as it stands, personal data masked: what a history page may show."""
    return snapshot_data_many([household])[household.pk]


def snapshot_data_many(households_given: list[Household]) -> dict[int, dict]:
    """`snapshot_data` of each household, in three queries whatever their number.

    The one schema of a snapshot; the loader builds the same shape in Polars for new households
    (tests/registry/test_import_snapshots.py holds the two equal).
    """
    today = timezone.localdate()
    households = {household.pk: household for household in households_given}
    household_ids = list(households)
    members: dict[int, list[Person]] = {pk: [] for pk in households}
    for person in Person.objects.filter(household_id__in=household_ids).order_by(
        "household_id", "birth_date", "pk"
    ):
        members[person.household_id].append(person)
    incomes: dict[int, list[IncomeRecord]] = {}
    for income in IncomeRecord.objects.filter(person__household_id__in=household_ids).order_by(
        "pk"
    ):
        incomes.setdefault(income.person_id, []).append(income)
    assets: dict[int, list[Asset]] = {pk: [] for pk in households}
    for asset in Asset.objects.filter(household_id__in=household_ids).order_by("valid_from", "pk"):
        assets[asset.household_id].append(asset)
    return {
        pk: {
            "household": _household_data(household),
            "members": [_member_data(member) for member in members[pk]],
            "incomes": _open_incomes(members[pk], incomes, today),
            "assets": _open_assets(assets[pk], today),
        }
        for pk, household in households.items()
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


def _open_incomes(
    members: list[Person], incomes: Mapping[int, list[IncomeRecord]], today: date
) -> list[dict]:
    """Incomes not ended before today, member by member."""
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
        for income in incomes.get(member.pk, [])
        if income.valid_to is None or income.valid_to >= today
    ]


def _open_assets(assets: list[Asset], today: date) -> list[dict]:
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
        for asset in assets
        if asset.valid_to is None or asset.valid_to >= today
    ]


def _jsonable(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    return value
