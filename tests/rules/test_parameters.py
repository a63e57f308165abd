"""Parameter resolution: most specific region, latest date not after the period, overrides."""

import datetime as dt

import pytest

from huimin.rules import ParameterNotFound, evaluate, frames_from_records, load_parameters, scale
from huimin.rules.errors import ParameterError, UnknownParameter
from huimin.rules.parameters import ParameterDefinition, ParameterRecord, ParameterSet
from tests.rules.pinned import pinned_parameters

NAME = "x.standard"


def _set(*values: tuple[str, str, int]) -> ParameterSet:
    definition = ParameterDefinition(NAME, "fen/month", "test", "test.yaml")
    records = [
        ParameterRecord(NAME, dt.date.fromisoformat(start), region, value, "fen/month", "test")
        for start, region, value in values
    ]
    return ParameterSet({NAME: definition}, records)


def _override(start: str, region: str, value: int) -> dict:
    return {"name": NAME, "start": start, "region": region, "value": value, "source": "db"}


def test_it_prefers_the_most_specific_region() -> None:
    parameters = _set(("2020-01-01", "", 1), ("2020-01-01", "53", 2), ("2020-01-01", "5329", 3))
    assert parameters.resolve(NAME, "532901001001", "2026-03").value == 3
    assert parameters.resolve(NAME, "530102001001", "2026-03").value == 2
    assert parameters.resolve(NAME, "110101001001", "2026-03").value == 1


def test_it_prefers_specific_region_over_later_date() -> None:
    parameters = _set(("2025-01-01", "532901", 5), ("2026-01-01", "53", 6))
    assert parameters.resolve(NAME, "532901001001", "2026-03").value == 5


def test_it_takes_the_latest_start_not_after_the_period() -> None:
    parameters = _set(("2020-01-01", "53", 1), ("2024-01-01", "53", 2), ("2026-03-31", "53", 3))
    assert parameters.resolve(NAME, "532901001001", "2026-02").value == 2
    assert parameters.resolve(NAME, "532901001001", "2026-03").value == 3  # starts in the month


def test_it_ignores_future_dated_values() -> None:
    parameters = _set(("2020-01-01", "532901", 1), ("2027-01-01", "532901", 9))
    assert parameters.resolve(NAME, "532901001001", "2026-12").value == 1
    assert parameters.resolve(NAME, "532901001001", "2027-01").value == 9


def test_it_falls_back_when_the_specific_value_is_future_dated() -> None:
    parameters = _set(("2020-01-01", "53", 1), ("2027-01-01", "532901", 9))
    assert parameters.resolve(NAME, "532901001001", "2026-12").value == 1


def test_it_lets_an_override_win_a_tie() -> None:
    parameters = _set(("2025-01-01", "5329", 1))
    resolved = parameters.resolve(
        NAME, "532901001001", "2026-03", overrides=[_override("2025-01-01", "5329", 2)]
    )
    assert (resolved.value, resolved.origin) == (2, "override")


def test_it_lets_a_later_override_win_a_tie_between_overrides() -> None:
    parameters = _set(("2025-01-01", "5329", 1)).with_overrides(
        [_override("2025-01-01", "5329", 2), _override("2025-01-01", "5329", 3)]
    )
    assert parameters.resolve(NAME, "532901001001", "2026-03").value == 3


def test_it_keeps_specificity_above_override_origin() -> None:
    parameters = _set(("2025-01-01", "532901", 1))
    overrides = [_override("2026-01-01", "5329", 2)]
    assert parameters.resolve(NAME, "532901001001", "2026-03", overrides).value == 1


def test_it_keeps_a_later_shipped_date_above_an_older_override() -> None:
    parameters = _set(("2026-01-01", "5329", 1))
    overrides = [_override("2025-01-01", "5329", 2)]
    assert parameters.resolve(NAME, "532901001001", "2026-03", overrides).value == 1


def test_it_raises_naming_parameter_region_and_period() -> None:
    parameters = _set(("2020-01-01", "53", 1))
    with pytest.raises(ParameterNotFound) as raised:
        parameters.resolve(NAME, "110101001001", "2026-03")
    message = str(raised.value)
    assert NAME in message and "110101001001" in message and "2026-03" in message


def test_it_raises_when_evaluating_a_region_without_a_standard() -> None:
    beijing = {
        "region_code": "110101001001",
        "residence_type": "urban",
        "members": [{"birth_date": "1980-01-01"}],
    }
    with pytest.raises(ParameterNotFound, match="dibao.standard.urban"):
        evaluate(frames_from_records([beijing]), "2026-03", pinned_parameters(), programs=["dibao"])


def test_it_rejects_overrides_of_unknown_parameters() -> None:
    with pytest.raises(UnknownParameter):
        load_parameters(
            [{"name": "dibao.nope", "start": "2026-01-01", "region": "", "value": 1, "source": "x"}]
        )


def test_it_rejects_malformed_region_prefixes() -> None:
    with pytest.raises(ParameterError):
        _set().with_overrides([_override("2026-01-01", "532", 1)])


def test_it_scales_money_to_whole_fen_in_a_reform() -> None:
    reformed = pinned_parameters().with_changes({"dibao.standard": scale(1.10)})
    assert reformed.resolve("dibao.standard.urban", "532901001001", "2026-03").value == 93500
    assert reformed.resolve("dibao.standard.rural", "532901001001", "2026-03").value == 63800
    with pytest.raises(UnknownParameter):
        pinned_parameters().with_changes({"dibao.nothing": 1.1})


def test_it_resolves_per_distinct_region_for_a_whole_population() -> None:
    households = [
        {"region_code": code, "residence_type": "urban", "members": [{"birth_date": "1980-01-01"}]}
        for code in ("532901001001", "532922100001", "530102001001", "532901001002") * 30
    ]
    population = frames_from_records(households)
    result = evaluate(population, "2026-03", pinned_parameters(), programs=["dibao"])["dibao"]
    by_region = dict(zip(result["region_code"], result["amount_fen"], strict=True))
    assert by_region == {
        "532901001001": 85000,
        "532922100001": 78000,
        "530102001001": 64000,
        "532901001002": 85000,
    }


def test_it_ships_sources_and_units_for_every_value() -> None:
    parameters = load_parameters()
    for name in parameters.names():
        for record in parameters.records(name):
            assert record.source and record.unit, name
