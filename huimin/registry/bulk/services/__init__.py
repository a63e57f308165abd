"""Bulk writes of the registry: import a file (dry run, all-or-nothing, valid rows), generate.

    registry_import_run(*, user, path, file_name, mode, progress=None) -> ImportOutcome

`mode` is "check" (dry run: validate only), "all" (all-or-nothing: refuse the whole file if any
row is wrong) or "valid" (import the households whose rows are all right, return the others as a
file to fix and upload again). Every mode validates the file afresh, against the registry as it
is now. Writing happens in one transaction with a summary audit event, plus one audit event and
one snapshot (both with the field changes) per created or changed household.

Identity numbers (through their blind index under every data key) and household numbers are the
keys: importing the same file twice creates nothing the second time. For a known person an empty
cell means "no change" and a filled one is applied as the member's form would apply it; a death
or a change of head is refused by row (bulk/validation/known.py). Members missing from the file
are not removed, and a person already in another household is refused (moves are transfers). An
income or asset column with a value replaces the open record of that type when the amount
differs; an empty cell leaves the registry as it is.

The work lives in modules by step; this package re-exports what callers use.
"""

from huimin.registry.bulk.services.generating import Generated, registry_generate
from huimin.registry.bulk.services.importing import (
    MODES,
    REPORTED_ERRORS,
    ImportOutcome,
    Progress,
    registry_import_run,
)
from huimin.registry.bulk.services.updating import HOUSEHOLD_UPDATABLE, PERSON_UPDATABLE

__all__ = [
    "HOUSEHOLD_UPDATABLE",
    "MODES",
    "PERSON_UPDATABLE",
    "REPORTED_ERRORS",
    "Generated",
    "ImportOutcome",
    "Progress",
    "registry_generate",
    "registry_import_run",
]
