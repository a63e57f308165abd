"""The only way a view gets a scenario or a run, else 404.

A scenario is visible to a user whose jurisdiction lies within the scenario's region or holds it:
a province analyst's scenario can be read in a county, and the figures of regions outside the
reader's jurisdiction then have their small cells suppressed (views.figures_for).
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from huimin.core.access import region_codes_of, region_filter
from huimin.core.models import User
from huimin.simulation.models import Scenario, SimulationRun

PREFIX_LENGTHS = (2, 4, 6, 9, 12)


def _overlapping(user: User | AnonymousUser) -> Q:
    codes = region_codes_of(user)
    above = {code[:n] for code in codes for n in PREFIX_LENGTHS if n <= len(code)}
    return region_filter(user) | Q(region_code__in=sorted(above))


def scenarios_for(user: User | AnonymousUser) -> QuerySet[Scenario]:
    if not region_codes_of(user):
        return Scenario.objects.none()
    return Scenario.objects.filter(_overlapping(user))


def get_scenario_for(user: User | AnonymousUser, scenario_id: int) -> Scenario:
    try:
        return scenarios_for(user).get(pk=scenario_id)
    except Scenario.DoesNotExist as missing:
        raise Http404 from missing


def get_run_for(user: User | AnonymousUser, run_id: int) -> SimulationRun:
    if not region_codes_of(user):
        raise Http404
    runs = SimulationRun.objects.select_related("version__scenario", "job")
    try:
        return runs.filter(_overlapping(user)).get(pk=run_id)
    except SimulationRun.DoesNotExist as missing:
        raise Http404 from missing
