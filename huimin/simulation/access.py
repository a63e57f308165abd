"""The only way a view gets a scenario or a run: within the user's jurisdiction, else 404."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from huimin.core.access import get_object_for, scope
from huimin.core.models import User
from huimin.simulation.models import Scenario, SimulationRun


def scenarios_for(user: User | AnonymousUser) -> QuerySet[Scenario]:
    return scope(Scenario.objects.all(), user)


def get_scenario_for(user: User | AnonymousUser, scenario_id: int) -> Scenario:
    return get_object_for(user, Scenario.objects.all(), pk=scenario_id)


def get_run_for(user: User | AnonymousUser, run_id: int) -> SimulationRun:
    return get_object_for(
        user, SimulationRun.objects.select_related("version__scenario"), pk=run_id
    )
