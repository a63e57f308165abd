"""Every write to the registry: one function per change, each in one transaction.

Each function locks what it changes (`select_for_update`), checks the rules of consistency, saves
with `update_fields`, writes its audit event (personal data redacted) and then a snapshot of the
whole household with personal data masked, so the household can later be read as it was.

Locks are always taken household first, then persons, and two households in id order, so that two
caseworkers moving people between the same households queue instead of deadlocking.

The functions live in modules by what they change; this package re-exports them, so callers write
`from huimin.registry import services` and `services.person_add(...)`.
"""

from huimin.registry.services._common import PERSONAL_FIELDS
from huimin.registry.services._rules import SEQUENCE_DIGITS
from huimin.registry.services.households import (
    HOUSEHOLD_FIELDS,
    household_create,
    household_set_head,
    household_set_payee,
    household_update,
)
from huimin.registry.services.incomes_assets import asset_add, asset_end, income_add, income_end
from huimin.registry.services.persons import (
    person_add,
    person_assert_alive_for_application,
    person_record_death,
    person_transfer,
    person_update,
)
from huimin.registry.services.snapshots import SNAPSHOT_PERSON_FIELDS, snapshot_data

__all__ = [
    "HOUSEHOLD_FIELDS",
    "PERSONAL_FIELDS",
    "SEQUENCE_DIGITS",
    "SNAPSHOT_PERSON_FIELDS",
    "asset_add",
    "asset_end",
    "household_create",
    "household_set_head",
    "household_set_payee",
    "household_update",
    "income_add",
    "income_end",
    "person_add",
    "person_assert_alive_for_application",
    "person_record_death",
    "person_transfer",
    "person_update",
    "snapshot_data",
]
