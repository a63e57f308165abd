"""Populations that need the database: the registry within a user's jurisdiction, and snapshots.

A snapshot holds only the columns the rules read (`sources.rules_columns`), with households and
persons renumbered: no names, identity numbers, accounts, phones, addresses or registry ids.
"""

from pathlib import Path

import numpy as np
import polars as pl

from huimin.core.access import covers, scope
from huimin.core.errors import ValidationFailed
from huimin.core.models import User
from huimin.programs.frames import population_from_registry
from huimin.registry.models import Household
from huimin.rules.periods import Period
from huimin.rules.population import Population
from huimin.simulation.scenario import PopulationSpec
from huimin.simulation.sources import Source, load_source, rules_columns, write_frames


def registry_population(*, user: User, region: str, period: Period) -> Population:
    if not region or not covers(user, region):
        raise ValidationFailed(
            f"region {region!r} is not within your jurisdiction", field="population.region"
        )
    households = scope(Household.objects.all(), user).filter(region_code__startswith=region)
    return anonymised(population_from_registry(households, as_of=period.end))


def anonymised(population: Population) -> Population:
    households, persons, incomes = rules_columns(
        population.households, population.persons, population.incomes
    )
    households = households.with_columns(
        pl.int_range(1, households.height + 1, dtype=pl.Int64).alias("household_id")
    )
    persons = persons.with_columns(
        pl.int_range(1, persons.height + 1, dtype=pl.Int64).alias("person_id")
    )
    return Population(households, persons, incomes)


def source_for(*, spec: PopulationSpec, user: User | None, period: Period) -> Source:
    if spec.source != "registry":
        return load_source(spec)
    if user is None:
        raise ValidationFailed("a registry population needs the user whose jurisdiction it is")
    population = registry_population(user=user, region=spec.region, period=period)
    return Source(population, np.ones(population.n_households), False, spec.region)


def snapshot_write(*, user: User, region: str, period: Period, directory: Path) -> int:
    """Write the registry within the user's jurisdiction as a snapshot; returns households."""
    from django.db import transaction

    from huimin.core.audit import audit_record

    population = registry_population(user=user, region=region, period=period)
    with transaction.atomic():
        write_frames(population, directory)
        audit_record(
            actor=user,
            action="simulation.snapshot",
            object_type="snapshot",
            object_id=directory.name[:64],
            region_code=region,
            changes={
                "period": period.label,
                "households": population.n_households,
                "path": str(directory),
            },
        )
    return population.n_households
