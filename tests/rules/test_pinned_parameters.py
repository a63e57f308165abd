"""The tests' parameters do not move when an office changes the shipped example values."""

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from huimin.rules import evaluate, frames_from_records, load_parameters
from huimin.rules import parameters as shipped_parameters
from tests.rules.pinned import pinned_parameters

REAL_SHIPPED_DIR = shipped_parameters.PARAMETER_DIR
HEQING_VILLAGE = "532932100001"
STANDARD = "dibao.standard.urban"
NEW_PARAMETER = "later.added"  # one a colleague ships after the pinned files were written


@pytest.fixture
def office_changed_shipped_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped files where the office raised Heqing's urban standard from 2026
    and Dali's from 2024, and a new parameter appeared; the loader reads this copy."""
    directory = tmp_path / "parameters"
    shutil.copytree(shipped_parameters.PARAMETER_DIR, directory)
    dibao_file = directory / "dibao.yaml"
    dibao = yaml.safe_load(dibao_file.read_text(encoding="utf-8"))
    for record in dibao[STANDARD]["values"]:
        if record["region"] == "5329":
            record["value"] = 99_900
    dibao[STANDARD]["values"].append(
        {"start": dt.date(2026, 1, 1), "region": "532932", "value": 123_400, "source": "office"}
    )
    dibao_file.write_text(yaml.safe_dump(dibao, allow_unicode=True), encoding="utf-8")
    (directory / "later.yaml").write_text(
        yaml.safe_dump(
            {
                NEW_PARAMETER: {
                    "unit": "count",
                    "values": [
                        {"start": dt.date(2020, 1, 1), "region": "", "value": 7, "source": "later"}
                    ],
                }
            }  # fmt: skip
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(shipped_parameters, "PARAMETER_DIR", directory)
    return directory


def test_it_keeps_the_tests_parameters_when_the_shipped_values_change(
    office_changed_shipped_values: Path,
) -> None:
    shipped = load_parameters()
    assert shipped.resolve(STANDARD, HEQING_VILLAGE, "2026-03").value == 123_400
    assert shipped.resolve(STANDARD, HEQING_VILLAGE, "2024-06").value == 99_900
    pinned = pinned_parameters()
    assert pinned.resolve(STANDARD, HEQING_VILLAGE, "2026-03").value == 78_000
    assert pinned.resolve(STANDARD, HEQING_VILLAGE, "2024-06").value == 76_000
    unchanged = pinned_parameters(shipped_directory=REAL_SHIPPED_DIR)
    for name in unchanged.names():
        assert pinned.records(name) == unchanged.records(name), name


def test_a_parameter_the_pinned_files_do_not_name_comes_from_the_shipped_files(
    office_changed_shipped_values: Path,
) -> None:
    assert pinned_parameters().resolve(NEW_PARAMETER, HEQING_VILLAGE, "2026-03").value == 7


def test_the_case_results_do_not_move_with_the_shipped_standard(
    office_changed_shipped_values: Path,
) -> None:
    household = {
        "region_code": HEQING_VILLAGE,
        "residence_type": "urban",
        "members": [{"birth_date": "1980-01-01"}],
    }
    population = frames_from_records([household])
    amounts = [
        evaluate(population, "2026-03", parameters, ["dibao"])["dibao"]["amount_fen"][0]
        for parameters in (pinned_parameters(), load_parameters())
    ]
    assert amounts == [78_000, 123_400]  # pinned standard, the office's standard
