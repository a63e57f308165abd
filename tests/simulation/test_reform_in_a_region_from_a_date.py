"""A parameter change limited to a region and a start date changes only there and from then."""

import datetime as dt

from huimin.simulation.reform import reformed_parameters
from huimin.simulation.scenario import ParameterChange
from tests.rules.pinned import pinned_parameters

NAME = "dibao.standard.rural"
DALI_CITY, YANGBI = "532901001001", "532922100201"


def value(parameters, code: str, period: str) -> int:  # type: ignore[no-untyped-def]
    return parameters.resolve(NAME, code, period).value


def test_it_scales_inside_the_region_from_the_date_only() -> None:
    base = pinned_parameters()
    change = ParameterChange(name=NAME, scale=1.1, region="532901", start=dt.date(2026, 3, 1))
    reform = reformed_parameters(base, [change])
    before = value(base, DALI_CITY, "2026-03")
    assert value(reform, DALI_CITY, "2026-03") == int(before * 1.1 + 0.5)
    assert value(reform, DALI_CITY, "2026-02") == value(base, DALI_CITY, "2026-02")
    assert value(reform, YANGBI, "2026-03") == value(base, YANGBI, "2026-03")


def test_it_scales_values_that_start_later_too() -> None:
    base = pinned_parameters().with_overrides(
        [{"name": NAME, "start": "2026-07-01", "region": "532922", "value": 70000, "source": "t"}]
    )
    change = ParameterChange(name=NAME, scale=1.5, region="5329", start=dt.date(2026, 1, 1))
    reform = reformed_parameters(base, [change])
    assert value(reform, YANGBI, "2026-08") == 105000
    assert value(reform, YANGBI, "2026-02") == int(value(base, YANGBI, "2026-02") * 1.5 + 0.5)


def test_it_sets_a_value_for_the_whole_region() -> None:
    change = ParameterChange(name=NAME, value=12345, region="5329", start=dt.date(2026, 1, 1))
    reform = reformed_parameters(pinned_parameters(), [change])
    assert value(reform, DALI_CITY, "2026-03") == 12345
    assert value(reform, YANGBI, "2026-03") == 12345
    assert value(reform, "530102001001", "2026-03") != 12345


def test_it_changes_everything_without_region_or_date_as_the_engine_does() -> None:
    base = pinned_parameters()
    reform = reformed_parameters(base, [ParameterChange(name="dibao.standard", scale=1.1)])
    engine = base.with_changes({"dibao.standard": 1.1})
    for code in (DALI_CITY, YANGBI):
        assert value(reform, code, "2026-03") == value(engine, code, "2026-03")


def test_it_keeps_a_sub_regions_own_value_and_scales_it() -> None:
    # Yangbi has its own rural standard: scaling Dali prefecture scales Yangbi's, not 5329's
    base = pinned_parameters()
    change = ParameterChange(name=NAME, scale=2, region="5329", start=dt.date(2026, 1, 1))
    reform = reformed_parameters(base, [change])
    assert value(reform, YANGBI, "2026-03") == 2 * value(base, YANGBI, "2026-03")
