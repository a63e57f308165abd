"""The simulation pages: build a scenario, run it, read its figures; jurisdiction and rights."""

import pytest
from django.urls import reverse

from huimin.core import roles
from huimin.simulation.models import RunStatus, Scenario, SimulationRun
from huimin.simulation.services import scenario_create
from tests.conftest import PASSWORD, VILLAGE_B, make_user
from tests.registry.factories import make_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(regions):  # type: ignore[no-untyped-def]
    return make_user("analyst_dali", roles.ANALYST, ["5329"])


def form(**overrides: object) -> dict:
    data: dict[str, object] = {
        "name": "Dali city rural +10%",
        "period_from": "2026-03",
        "period_to": "",
        "source": "synthetic",
        "region": "532901",
        "persons": "2000",
        "seed": "1",
        "param_1": "dibao.standard.rural",
        "kind_1": "scale",
        "amount_1": "1.1",
        "region_1": "",
        "from_1": "",
        "module": "",
        "poverty_line_yuan": "600",
        "need": "poverty_line",
        "min_cell": "10",
    }
    data.update(overrides)
    return data


def test_it_builds_a_scenario_runs_it_and_shows_the_figures(  # type: ignore[no-untyped-def]
    client, analyst, django_capture_on_commit_callbacks, django_assert_max_num_queries
) -> None:
    client.login(username=analyst.username, password=PASSWORD)
    response = client.post(reverse("simulation:scenarios"), form())
    scenario = Scenario.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "simulation:scenario", args=[scenario.pk]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("simulation:scenario-run", args=[scenario.pk]))
    run = SimulationRun.objects.get()
    assert run.status == RunStatus.DONE, run.message
    with django_assert_max_num_queries(12):
        page = client.get(reverse("simulation:run", args=[run.pk]))
    text = page.content.decode()
    assert "sim-chart-data" in text and "chart-lorenz" in text and "532901" in text
    assert "<script>" not in text  # no inline script: the charts read a JSON block
    assert "大理市 532901" in text  # the county by its name, in the table and the chart
    xlsx = client.get(reverse("simulation:run-xlsx", args=[run.pk]))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    csv = client.get(reverse("simulation:run-csv", args=[run.pk]))
    assert b"# by_region" in csv.content


def test_it_lists_every_problem_of_the_form(client, analyst) -> None:  # type: ignore[no-untyped-def]
    client.login(username=analyst.username, password=PASSWORD)
    response = client.post(reverse("simulation:scenarios"), form(amount_1="-2", region="530102"))
    text = response.content.decode()
    assert response.status_code == 200 and not Scenario.objects.exists()
    assert "errorlist" in text and "倍数 -2 无效" in text


def test_it_lists_scenarios_in_few_queries(client, analyst, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for i in range(5):
        scenario_create(actor=analyst, raw={
            "name": f"s{i}", "period": "2026-03",
            "population": {"source": "registry", "region": "532901"},
            "metrics": {"poverty_line_fen": 60000},
        })  # fmt: skip
    client.login(username=analyst.username, password=PASSWORD)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("simulation:scenarios"))
    assert response.content.decode().count("/simulation/scenarios/") >= 5


def test_it_hides_another_regions_scenario(client, analyst, regions) -> None:  # type: ignore[no-untyped-def]
    scenario = scenario_create(actor=analyst, raw={
        "name": "Yangbi", "period": "2026-03",
        "population": {"source": "registry", "region": "532922"},
        "metrics": {"poverty_line_fen": 60000},
    })  # fmt: skip
    other = make_user("analyst_city", roles.ANALYST, ["532901"])
    client.login(username=other.username, password=PASSWORD)
    assert client.get(reverse("simulation:scenario", args=[scenario.pk])).status_code == 404


def test_it_suppresses_small_cells_of_other_counties(  # type: ignore[no-untyped-def]
    client, analyst, caseworker_a, caseworker_b, django_capture_on_commit_callbacks
) -> None:
    make_household(caseworker_a)
    make_household(caseworker_b, village=VILLAGE_B)
    scenario = scenario_create(actor=analyst, raw={
        "name": "Dali", "period": "2026-03",
        "population": {"source": "registry", "region": "5329"},
        "metrics": {"poverty_line_fen": 60000, "min_cell": 5},
    })  # fmt: skip
    client.login(username=analyst.username, password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("simulation:scenario-run", args=[scenario.pk]))
    run = SimulationRun.objects.get()
    # the prefecture's analyst sees both counties in full
    assert (
        "too few households"
        not in client.get(reverse("simulation:run", args=[run.pk])).content.decode()
    )
    # a county analyst reads the prefecture's run: Yangbi's single household is hidden
    county = make_user("analyst_city", roles.ANALYST, ["532901"])
    client.force_login(county)
    text = client.get(reverse("simulation:run", args=[run.pk])).content.decode()
    assert "户数太少" in text
    assert county.has_perm("simulation.run_simulation")
    assert client.post(reverse("simulation:scenario-run", args=[scenario.pk])).status_code == 403


def test_it_refuses_people_without_the_right(client, caseworker_a) -> None:  # type: ignore[no-untyped-def]
    client.login(username=caseworker_a.username, password=PASSWORD)
    assert client.get(reverse("simulation:scenarios")).status_code == 403
