"""Population sources: a weighted survey in CSV, a Parquet snapshot, the synthetic generator."""

import numpy as np
import pytest

from huimin.rules import frames_from_records
from huimin.simulation.run import simulate
from huimin.simulation.scenario import PopulationSpec
from huimin.simulation.sources import SourceError, file_source, load_source, write_frames
from tests.rules.pinned import pinned_parameters
from tests.simulation.helpers import scenario

HOUSEHOLD = {
    "region_code": "532901001001",
    "residence_type": "urban",
    "members": [
        {"birth_date": "1950-01-01", "incomes": [{"income_type": "wages", "monthly_fen": 10000}]}
    ],
}


def write_survey(tmp_path, weights, suffix: str = "csv"):  # type: ignore[no-untyped-def]
    batch = [dict(HOUSEHOLD, household_id=i + 1) for i in range(len(weights))]
    population = frames_from_records(batch)
    write_frames(population, tmp_path, weights=np.array(weights, dtype=float))
    if suffix == "csv":
        import polars as pl

        for name in ("households", "persons", "incomes"):
            pl.read_parquet(tmp_path / f"{name}.parquet").write_csv(tmp_path / f"{name}.csv")
            (tmp_path / f"{name}.parquet").unlink()
    return tmp_path


def test_it_reads_a_weighted_survey_from_csv(tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = file_source(write_survey(tmp_path, [2.5, 4.0]), weighted=True)
    assert source.weights.tolist() == [2.5, 4.0] and source.weighted
    assert source.region == "532901001001"


def test_it_weights_every_figure_of_a_survey(tmp_path) -> None:  # type: ignore[no-untyped-def]
    weighted = file_source(write_survey(tmp_path / "w", [3.0]), weighted=True)
    single = load_source(
        PopulationSpec(source="snapshot", path=str(write_survey(tmp_path / "s", [1.0])))
    )
    run = scenario(
        programs=["dibao"], reform={"parameters": [{"name": "dibao.standard", "scale": 1.5}]}
    )
    w = simulate(run, weighted, baseline=pinned_parameters()).figures
    s = simulate(run, single, baseline=pinned_parameters()).figures
    assert w["cost"]["monthly"]["reform_fen"] == 3 * s["cost"]["monthly"]["reform_fen"]
    assert w["weighted_households"] == 3.0
    assert w["poverty"] == s["poverty"]  # one household: shares do not depend on its weight


def test_it_refuses_a_survey_without_weights(tmp_path) -> None:  # type: ignore[no-untyped-def]
    directory = write_survey(tmp_path, [1.0])
    import polars as pl

    pl.read_csv(directory / "households.csv").drop("weight").write_csv(directory / "households.csv")
    with pytest.raises(SourceError, match="weight"):
        file_source(directory, weighted=True)


def test_it_names_a_missing_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SourceError, match="households"):
        file_source(tmp_path, weighted=False)


def test_it_builds_the_synthetic_population_as_a_frame_without_personal_data() -> None:
    source = load_source(PopulationSpec(source="synthetic", region="532922", persons=300, seed=3))
    assert source.population.n_persons == 300
    for column in ("name_zh", "id_number", "phone", "bank_card_no"):
        assert column not in source.population.persons.columns
        assert column not in source.population.households.columns
