"""A small population (explain, one household) derives its arrays in plain Python: the very
frames and arrays the Polars path builds, column for column, dtype for dtype."""

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from huimin.rules import frames_from_records
from huimin.rules import population as population_module
from huimin.rules.population import Population
from tests.rules.strategies import PERIODS, batches

# fields a caller may leave null, which each path must fill the same way
NULLABLE = (
    "serious_illness",
    "counted_in_family",
    "selfcare_unable_count",
    "disability_grade",
    "special_care_grade",
    "sex",
)
ARRAYS = (
    "person_household",
    "income_person",
    "income_household",
    "income_region",
    "income_type",
    "income_fen",
    "income_from",
    "income_to",
)


def _with_nulls(batch: list[dict[str, Any]], fields: set[str]) -> list[dict[str, Any]]:
    for household in batch:
        for member in household["members"][:1]:
            member.update(dict.fromkeys(fields))
    return batch


def _built_both_ways(records: list[dict[str, Any]]) -> tuple[Population, Population]:
    small = frames_from_records(records)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(population_module, "SMALL_POPULATION", -1)
        large = frames_from_records(records)
    assert small.small and not large.small
    return small, large


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    batch=batches(max_size=8),
    period=st.sampled_from(PERIODS),
    fields=st.sets(st.sampled_from(NULLABLE)),
)
def test_it_derives_the_same_arrays_for_a_small_population(
    batch: list[dict[str, Any]], period: str, fields: set[str]
) -> None:
    small, large = _built_both_ways(_with_nulls(batch, fields))
    assert small.regions == large.regions
    assert_frame_equal(small.households, large.households)
    assert_frame_equal(small.persons, large.persons)
    for name in ARRAYS:
        left, right = getattr(small, name), getattr(large, name)
        assert left.dtype == right.dtype and np.array_equal(left, right), name
    small_view, large_view = small.view(period), large.view(period)
    assert_frame_equal(small_view.persons, large_view.persons)
    assert_frame_equal(small_view.households, large_view.households)
    assert_frame_equal(small_view.persons_with_households, large_view.persons_with_households)
    for months in (0, 1, 12):
        assert np.array_equal(small_view.income_share(months), large_view.income_share(months))


def test_it_leaves_a_null_birth_date_to_polars() -> None:
    household = {"region_code": "532901001001", "residence_type": "rural"}
    population = frames_from_records([{**household, "members": [{"birth_date": None}]}])
    assert not population.small
