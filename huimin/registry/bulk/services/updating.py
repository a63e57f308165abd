"""Known households and persons: set what the file says differently, then snapshot them."""

from typing import Any

import polars as pl
from django.utils import timezone

from huimin.core.audit import field_changes
from huimin.core.models import User
from huimin.core.pii import blind_index
from huimin.registry.bulk import loader
from huimin.registry.bulk.batches import batched, bulk_update_batch
from huimin.registry.bulk.services.new_records import person_defaults
from huimin.registry.models import Household, Membership, Person
from huimin.registry.search_keys import name_sort_key
from huimin.registry.services._common import PERSONAL_FIELDS
from huimin.registry.services.households import HOUSEHOLD_FIELDS
from huimin.registry.services.snapshots import snapshot_take_many

# The same household facts a caseworker changes on the household form.
HOUSEHOLD_UPDATABLE = HOUSEHOLD_FIELDS

PERSON_UPDATABLE = tuple(f for f in loader.PERSON_FIELDS if f != "id_number")


Changes = dict[int, dict[str, Any]]  # household id -> what changed, as recorded in the audit


def update_households(values: pl.DataFrame, rows: pl.DataFrame, changes: Changes) -> set[int]:
    by_id = {row["household_id"]: row for row in values.iter_rows(named=True)}
    payees = dict(
        rows.filter((pl.col("payee") == True) & pl.col("person_id").is_not_null())  # noqa: E712
        .select("household_id", "person_id")
        .iter_rows()
    )
    changed: list[Household] = []
    for batch in batched(sorted(by_id)):
        for household in Household.objects.filter(pk__in=batch).select_for_update():
            before = _household_facts(household)
            if _set_from_file(household, by_id[household.pk], payees.get(household.pk)):
                after = _household_facts(household)
                changes.setdefault(household.pk, {}).update(
                    field_changes(before, after, personal=PERSONAL_FIELDS)
                )
                household.version += 1
                # bulk_update does not run pre_save: the blind indexes are set here.
                household.bank_account_index = _index_of(household.bank_account)
                household.phone_index = _index_of(household.phone)
                household.updated_at = timezone.now()
                changed.append(household)
    fields = [
        *HOUSEHOLD_UPDATABLE,
        "payee",
        "version",
        "bank_account_index",
        "phone_index",
        "updated_at",
    ]
    Household.objects.bulk_update(changed, fields, batch_size=bulk_update_batch(len(fields)))
    return {h.pk for h in changed}


def _household_facts(household: Household) -> dict[str, Any]:
    """As household_update and household_set_payee record them (the payee by its id)."""
    return {
        **{name: getattr(household, name) for name in HOUSEHOLD_UPDATABLE},
        "payee": household.payee_id,
    }


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


def update_persons(known: pl.DataFrame, changes: Changes) -> set[int]:
    """Set the merged facts of known persons (see bulk/validation/known.py) where they differ.

    The dry run refused deaths and changes of head, so what is left are the changes a person
    could make on the member's form; a changed relation moves the open membership with it.
    """
    if known.height == 0:
        return set()
    wanted = {
        row["person_id"]: row for row in known.with_columns(person_defaults()).iter_rows(named=True)
    }
    changed: list[Person] = []
    relation_changed: dict[str, list[int]] = {}
    for batch in batched(sorted(wanted)):
        for person in Person.objects.filter(pk__in=batch):
            row = wanted[person.pk]
            before = {name: getattr(person, name) for name in PERSON_UPDATABLE}
            after = {name: row[name] for name in PERSON_UPDATABLE}
            differing = [name for name in PERSON_UPDATABLE if before[name] != after[name]]
            if not differing:
                continue
            for name in differing:
                setattr(person, name, after[name])
            if "relation" in differing:
                relation_changed.setdefault(person.relation, []).append(person.pk)
            # bulk_update does not run pre_save: the pinyin sort key is set here.
            person.name_sort = name_sort_key(person.name)
            person.updated_at = timezone.now()
            changed.append(person)
            persons = changes.setdefault(person.household_id, {}).setdefault("persons", {})
            persons[f"{person.name} ({person.pk})"] = field_changes(
                before, after, personal=PERSONAL_FIELDS
            )
    fields = [*PERSON_UPDATABLE, "name_sort", "updated_at"]
    Person.objects.bulk_update(changed, fields, batch_size=bulk_update_batch(len(fields)))
    for relation, pks in relation_changed.items():
        for batch in batched(pks):
            Membership.objects.filter(person_id__in=batch, valid_to__isnull=True).update(
                relation=relation
            )
    return {p.household_id for p in changed}


def snapshot_changed(changes: Changes, *, user: User, note: str) -> int:
    """One snapshot per changed household, with what changed; set-based, like the services'."""
    return snapshot_take_many(changes, actor=user, reason="import", changes=changes, note=note)
