"""Known households and persons: set what the file says differently, then snapshot them."""

import polars as pl
from django.utils import timezone

from huimin.core.models import User
from huimin.core.pii import blind_index
from huimin.registry.bulk import loader
from huimin.registry.bulk.services.new_records import person_defaults
from huimin.registry.models import Household, HouseholdSnapshot, Person
from huimin.registry.services.households import HOUSEHOLD_FIELDS
from huimin.registry.services.snapshots import snapshot_data

# The same household facts a caseworker changes on the household form.
HOUSEHOLD_UPDATABLE = HOUSEHOLD_FIELDS

PERSON_UPDATABLE = tuple(f for f in loader.PERSON_FIELDS if f != "id_number")

BATCH = 2000


def update_households(values: pl.DataFrame, rows: pl.DataFrame) -> set[int]:
    by_id = {row["household_id"]: row for row in values.iter_rows(named=True)}
    payees = dict(
        rows.filter((pl.col("payee") == True) & pl.col("person_id").is_not_null())  # noqa: E712
        .select("household_id", "person_id")
        .iter_rows()
    )
    changed: list[Household] = []
    for household in Household.objects.filter(pk__in=list(by_id)).select_for_update():
        if _set_from_file(household, by_id[household.pk], payees.get(household.pk)):
            household.version += 1
            # bulk_update does not run pre_save: the blind indexes are set here.
            household.bank_account_index = _index_of(household.bank_account)
            household.phone_index = _index_of(household.phone)
            household.updated_at = timezone.now()
            changed.append(household)
    Household.objects.bulk_update(
        changed,
        [
            *HOUSEHOLD_UPDATABLE,
            "payee",
            "version",
            "bank_account_index",
            "phone_index",
            "updated_at",
        ],
        batch_size=BATCH,
    )
    return {h.pk for h in changed}


def _set_from_file(household: Household, row: dict, payee: int | None) -> bool:
    """Set the values the file fills in and the registry holds differently; True if any."""
    wanted = {
        "region_code": row["village_code"], "address": row["address"],
        "residence_type": row["residence_type"], "bank_name": row["bank_name"],
        "bank_account": row["bank_account"], "phone": row["phone"],
    }  # fmt: skip
    differs = False
    for name, value in wanted.items():
        if value not in (None, "") and getattr(household, name) != value:
            setattr(household, name, value)
            differs = True
    if payee is not None and household.payee_id != payee:
        household.payee_id = payee
        differs = True
    return differs


def _index_of(value: str) -> str:
    return blind_index(value) if value else ""


def update_persons(known: pl.DataFrame) -> set[int]:
    if known.height == 0:
        return set()
    wanted = {
        row["person_id"]: row for row in known.with_columns(person_defaults()).iter_rows(named=True)
    }
    changed: list[Person] = []
    ids = list(wanted)
    for start in range(0, len(ids), BATCH):
        for person in Person.objects.filter(pk__in=ids[start : start + BATCH]):
            row = wanted[person.pk]
            differs = False
            for name in PERSON_UPDATABLE:
                value = row[name]
                if getattr(person, name) != value:
                    setattr(person, name, value)
                    differs = True
            if differs:
                person.updated_at = timezone.now()
                changed.append(person)
    Person.objects.bulk_update(changed, [*PERSON_UPDATABLE, "updated_at"], batch_size=BATCH)
    return {p.household_id for p in changed}


def snapshot_changed(household_ids: set[int], *, user: User, note: str) -> None:
    # Known households changed by an import are usually few; their snapshot reads the registry
    # as the household pages do, so it includes members the file did not mention.
    now = timezone.now()
    snapshots = [
        HouseholdSnapshot(
            household=household,
            taken_at=now,
            changed_by=user,
            reason="import",
            data={**snapshot_data(household), "changes": {}, "note": note},
        )
        for household in Household.objects.filter(pk__in=sorted(household_ids))
    ]
    HouseholdSnapshot.objects.bulk_create(snapshots, batch_size=BATCH)
