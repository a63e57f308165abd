"""Households written by import or by `huimin generate` have the same snapshot as the services'."""

from django.db import transaction
from django.urls import reverse

from huimin.registry import synthetic
from huimin.registry.bulk import loader
from huimin.registry.bulk.population import frames_from_synthetic
from huimin.registry.bulk.services import registry_generate
from huimin.registry.models import Household, HouseholdSnapshot
from huimin.registry.services import snapshot_data
from tests.conftest import VILLAGE_A
from tests.registry.test_import_dry_run import (
    csv_file,
    head,
    in_english,  # noqa: F401 - autouse fixture
    person,
    run,
)


def stored_state(household: Household) -> dict:
    data = dict(HouseholdSnapshot.objects.filter(household=household).first().data)
    data.pop("changes"), data.pop("note")
    return data


def test_an_imported_household_without_incomes_or_assets_reads_as_of_a_date(
    client, caseworker_a, tmp_path
):
    bare = head("HH-1", income_wages="", deposits="", homes="")
    run(caseworker_a, csv_file(tmp_path, [bare, person("HH-1")]), mode="all")
    household = Household.objects.get()
    assert stored_state(household) == snapshot_data(household)
    client.force_login(caseworker_a)
    response = client.get(reverse("registry:household-as-of", args=[household.pk]))
    assert response.status_code == 200
    assert "HH-1" in response.content.decode()


def test_an_imported_household_with_incomes_and_assets_has_the_services_snapshot(
    caseworker_a, tmp_path
):
    rows = [
        head("HH-1", vehicle_value="20000", homes="2"),
        person("HH-1", income_wages="800", deposits=""),
    ]
    run(caseworker_a, csv_file(tmp_path, rows), mode="all")
    household = Household.objects.get()
    assert stored_state(household) == snapshot_data(household)
    assert snapshot_data(household)["incomes"] and snapshot_data(household)["assets"]


def test_generated_households_have_the_services_snapshot(client, caseworker_a):
    registry_generate(region=VILLAGE_A[:6], persons=120, seed=3)
    client.force_login(caseworker_a)
    for household in Household.objects.all():
        assert stored_state(household) == snapshot_data(household), household.household_no
    response = client.get(reverse("registry:household-as-of", args=[household.pk]))
    assert response.status_code == 200


def test_a_generated_population_without_incomes_or_assets_reads_as_of_a_date(client, caseworker_a):
    """What `huimin generate` writes, through the same loader, with no income or asset at all."""
    population = synthetic.generate([VILLAGE_A], persons=12, seed=5)
    frames = frames_from_synthetic(population)
    frames.incomes, frames.assets = frames.incomes.clear(), frames.assets.clear()
    with transaction.atomic():
        loader.write_new(frames, actor=None, as_of=population.as_of, reason="generate")
    client.force_login(caseworker_a)
    for household in Household.objects.all():
        assert stored_state(household) == snapshot_data(household)
        response = client.get(reverse("registry:household-as-of", args=[household.pk]))
        assert response.status_code == 200
