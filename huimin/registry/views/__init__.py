"""Registry pages: parse the form, call a query or a service, show the result. Nothing else.

The views live in modules by what they show; this package re-exports them for `registry/urls.py`.
"""

from huimin.registry.views._common import GET_POST
from huimin.registry.views.history import REASONS, household_as_of
from huimin.registry.views.households import (
    household_create,
    household_detail,
    household_edit,
    household_head,
    household_payee,
)
from huimin.registry.views.incomes_assets import asset_add, asset_end, income_add, income_end
from huimin.registry.views.persons import person_add, person_death, person_edit, person_transfer
from huimin.registry.views.reveal import household_reveal, person_reveal
from huimin.registry.views.search import search, villages

__all__ = [
    "GET_POST",
    "REASONS",
    "asset_add",
    "asset_end",
    "household_as_of",
    "household_create",
    "household_detail",
    "household_edit",
    "household_head",
    "household_payee",
    "household_reveal",
    "income_add",
    "income_end",
    "person_add",
    "person_death",
    "person_edit",
    "person_reveal",
    "person_transfer",
    "search",
    "villages",
]
