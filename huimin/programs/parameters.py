"""The parameter set in force: the shipped YAML plus the live overrides from the database."""

from functools import cache

from django.db.models import Count, Max

from huimin.programs.models import ParameterOverride
from huimin.rules import load_parameters
from huimin.rules.parameters import ParameterSet


@cache
def _shipped() -> ParameterSet:
    return load_parameters()


_cached: tuple[tuple, ParameterSet] | None = None  # type: ignore[type-arg]


def live_parameters() -> ParameterSet:
    """Rebuilt only when the overrides changed; one small query tells, in every process."""
    global _cached
    fingerprint = tuple(
        ParameterOverride.objects.aggregate(
            n=Count("id"), last=Max("id"), retired=Max("retired_at")
        ).values()
    )
    if _cached is None or _cached[0] != fingerprint:
        overrides = [
            o.as_record() for o in ParameterOverride.objects.filter(retired_at__isnull=True)
        ]
        _cached = (fingerprint, _shipped().with_overrides(overrides) if overrides else _shipped())
    return _cached[1]


def reset_parameter_cache() -> None:
    global _cached
    _cached = None
