"""A scenario file is checked whole: every problem names its line and the parameter or key."""

import pytest
from django.utils import translation

from huimin.simulation.scenario import ScenarioInvalid, check_scenario, load_scenario
from tests.rules.pinned import pinned_parameters


@pytest.fixture(autouse=True)
def in_english():  # type: ignore[no-untyped-def]
    with translation.override("en"):
        yield


GOOD = """\
name: Rural standard +10%
period: {from: 2026-01, to: 2026-03}
population:
  source: synthetic
  region: "5329"
  persons: 1000
reform:
  parameters:
    - {name: dibao.standard.rural, scale: 1.1, region: "5329", from: 2026-01-01}
    - {name: dibao.topup.elderly_ratio, value: 0.4}
  module: {name: dibao_minimum_payment, options: {floor_fen: 5000}}
metrics:
  poverty_line_fen: 60000
"""


def test_it_reads_a_scenario_file() -> None:
    scenario = load_scenario(GOOD, pinned_parameters())
    assert [p.label for p in scenario.periods] == ["2026-01", "2026-02", "2026-03"]
    assert scenario.changes[0].scale == 1.1 and scenario.changes[0].region == "5329"
    assert scenario.changes[1].value == 0.4
    assert scenario.module is not None and scenario.module.options == {"floor_fen": 5000}


def test_it_reads_back_what_it_stores() -> None:
    scenario = load_scenario(GOOD, pinned_parameters())
    assert check_scenario(scenario.as_dict(), pinned_parameters()) == scenario


def test_it_names_the_line_and_the_parameter_of_each_problem() -> None:
    bad = GOOD.replace("dibao.standard.rural", "dibao.standard.rurall").replace(
        "value: 0.4", "value: 0.1234567"
    )
    with pytest.raises(ScenarioInvalid) as refused:
        load_scenario(bad, pinned_parameters())
    problems = refused.value.problems
    assert (9, "dibao.standard.rurall", "no parameter of that name") in problems
    assert any(line == 10 and what == "dibao.topup.elderly_ratio" and "six decimal" in message
               for line, what, message in problems)  # fmt: skip
    assert "line 9: dibao.standard.rurall" in str(refused.value)


def test_it_refuses_scaling_what_is_not_a_number() -> None:
    bad = GOOD.replace(
        "{name: dibao.topup.elderly_ratio, value: 0.4}", "{name: dibao.formula, scale: 2}"
    )
    with pytest.raises(ScenarioInvalid) as refused:
        load_scenario(bad, pinned_parameters())
    assert refused.value.problems[0][:2] == (10, "dibao.formula")


def test_it_names_bad_periods_regions_and_modules() -> None:
    bad = (
        GOOD.replace("to: 2026-03", "to: 2025-13")
        .replace('region: "5329"\n  persons', 'region: "53x"\n  persons')
        .replace("dibao_minimum_payment", "no_such_module")
    )
    with pytest.raises(ScenarioInvalid) as refused:
        load_scenario(bad, pinned_parameters())
    found = {(line, what) for line, what, _m in refused.value.problems}
    assert (2, "period") in found
    assert (5, "population.region") in found
    assert (11, "reform.module") in found


def test_it_says_where_yaml_is_broken() -> None:
    with pytest.raises(ScenarioInvalid) as refused:
        load_scenario("name: x\nperiod: [2026-01\n", pinned_parameters())
    assert refused.value.problems[0][0] is not None


def test_it_reads_the_same_mapping_from_a_form() -> None:
    form = {
        "name": "Form",
        "period": "2026-03",
        "population": {"source": "registry", "region": "532901"},
        "reform": {"parameters": [{"name": "dibao.standard", "scale": 1.05}]},
        "metrics": {"poverty_line_fen": 50000, "min_cell": 5},
    }
    scenario = check_scenario(form, pinned_parameters())
    assert scenario.changes[0].name == "dibao.standard"  # urban and rural both
    assert scenario.metrics.min_cell == 5


def test_it_says_it_in_chinese_too() -> None:
    with translation.override("zh-hans"), pytest.raises(ScenarioInvalid) as refused:
        load_scenario(
            GOOD.replace("dibao.standard.rural", "dibao.standard.rurall"), pinned_parameters()
        )
    assert "第 9 行：dibao.standard.rurall: 没有这个名称的参数" in str(refused.value)
