"""The only way a view or an API route gets a payments record: 404 outside jurisdiction."""

from django.contrib.auth.models import AnonymousUser

from huimin.core.access import get_object_for, scope
from huimin.core.models import User
from huimin.payments.models import (
    Allocation,
    CollectionAuthorization,
    PaymentException,
    PaymentLine,
    PayrollCycle,
    Recovery,
)
from huimin.registry.models import Household, Person


def allocations_for(user: User | AnonymousUser):  # noqa: ANN201
    return scope(Allocation.objects.all(), user)


def get_allocation_for(user: User | AnonymousUser, allocation_id: int) -> Allocation:
    return get_object_for(user, Allocation.objects.all(), pk=allocation_id)


def cycles_for(user: User | AnonymousUser):  # noqa: ANN201
    return scope(PayrollCycle.objects.all(), user)


def get_cycle_for(user: User | AnonymousUser, cycle_id: int) -> PayrollCycle:
    return get_object_for(user, PayrollCycle.objects.select_related("prepared_by"), pk=cycle_id)


def get_line_for(user: User | AnonymousUser, line_id: int) -> PaymentLine:
    return get_object_for(user, PaymentLine.objects.select_related("cycle", "payee"), pk=line_id)


def get_exception_for(user: User | AnonymousUser, exception_id: int) -> PaymentException:
    return get_object_for(
        user,
        PaymentException.objects.select_related("line", "cycle"),
        field="line__region_code",
        pk=exception_id,
    )


def get_household_for(user: User | AnonymousUser, household_id: int) -> Household:
    return get_object_for(user, Household.objects.all(), pk=household_id)


def get_person_for(user: User | AnonymousUser, person_id: int) -> Person:
    return get_object_for(
        user,
        Person.objects.select_related("household"),
        field="household__region_code",
        pk=person_id,
    )


def get_authorization_for(
    user: User | AnonymousUser, authorization_id: int
) -> CollectionAuthorization:
    return get_object_for(
        user,
        CollectionAuthorization.objects.select_related("household"),
        field="household__region_code",
        pk=authorization_id,
    )


def get_recovery_for(user: User | AnonymousUser, recovery_id: int) -> Recovery:
    return get_object_for(user, Recovery.objects.select_related("household"), pk=recovery_id)
