"""The only way a view or an API route gets a household or a person: 404 outside jurisdiction."""

from django.contrib.auth.models import AnonymousUser

from huimin.core.access import get_object_for
from huimin.core.models import User
from huimin.registry.models import Asset, Household, IncomeRecord, Person


def get_household_for(user: User | AnonymousUser, household_id: int) -> Household:
    return get_object_for(user, Household.objects.select_related("payee"), pk=household_id)


def get_person_for(user: User | AnonymousUser, person_id: int) -> Person:
    return get_object_for(
        user,
        Person.objects.select_related("household"),
        field="household__region_code",
        pk=person_id,
    )


def get_income_for(user: User | AnonymousUser, income_id: int) -> IncomeRecord:
    return get_object_for(
        user,
        IncomeRecord.objects.select_related("person__household"),
        field="person__household__region_code",
        pk=income_id,
    )


def get_asset_for(user: User | AnonymousUser, asset_id: int) -> Asset:
    return get_object_for(
        user,
        Asset.objects.select_related("household"),
        field="household__region_code",
        pk=asset_id,
    )
