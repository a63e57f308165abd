"""Pages, API and commands evaluate with the tests' pinned parameters, not the shipped ones."""

import shutil
from pathlib import Path

import pytest

from huimin.programs.parameters import live_parameters, reset_parameter_cache
from huimin.rules import parameters as shipped_parameters
from tests.conftest import VILLAGE_A

STANDARD = "dibao.standard.rural"


def test_the_live_parameters_of_the_tests_ignore_a_changed_shipped_standard(
    db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pinned = live_parameters().resolve(STANDARD, VILLAGE_A, "2026-11").value
    directory = tmp_path / "parameters"
    shutil.copytree(shipped_parameters.PARAMETER_DIR, directory)
    dibao = directory / "dibao.yaml"
    text = dibao.read_text(encoding="utf-8")
    raised = text.replace(f'region: "532901", value: {pinned},', 'region: "532901", value: 99900,')
    assert raised != text  # the office's change to Dali city's rural standard
    dibao.write_text(raised, encoding="utf-8")
    monkeypatch.setattr(shipped_parameters, "PARAMETER_DIR", directory)
    reset_parameter_cache()
    assert (
        shipped_parameters.load_parameters().resolve(STANDARD, VILLAGE_A, "2026-11").value == 99900
    )
    assert live_parameters().resolve(STANDARD, VILLAGE_A, "2026-11").value == pinned
