"""`huimin simulate scenario.yaml` prints the figures and writes XLSX and CSV."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db

SCENARIO = """\
name: Rural +10%
period: 2026-03
population: {source: synthetic, region: "532922", persons: 800, seed: 4}
reform:
  parameters:
    - {name: dibao.standard.rural, scale: 1.1}
metrics: {poverty_line_fen: 60000, min_cell: 5}
"""


def test_it_prints_and_writes_the_figures(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "rural.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    out = io.StringIO()
    call_command("simulate", str(path), stdout=out)
    text = out.getvalue()
    assert "per year" in text and "FGT0" in text and "532922" in text
    book = load_workbook(tmp_path / "rural.xlsx")
    assert {"summary", "by_region", "deciles", "lorenz", "recipients"} <= set(book.sheetnames)
    rows = list(book["by_program"].values)
    dibao = dict(zip(rows[0], next(r for r in rows if r[0] == "dibao"), strict=True))
    assert dibao["reform_fen"] > dibao["baseline_fen"]
    assert "# by_region" in (tmp_path / "rural.csv").read_text(encoding="utf-8")


def test_it_names_the_line_of_a_bad_parameter(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.yaml"
    path.write_text(
        SCENARIO.replace("dibao.standard.rural", "dibao.standard.village"), encoding="utf-8"
    )
    with pytest.raises(CommandError, match="第 6 行：dibao.standard.village"):
        call_command("simulate", str(path))


def test_it_answers_a_budget_question(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "rural.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    out = io.StringIO()
    call_command(
        "simulate",
        str(path),
        budget_yuan=2_000_000,
        budget_parameter="dibao.standard.rural",
        stdout=out,
    )
    assert "as a reform" in out.getvalue() and "dibao.standard.rural" in out.getvalue()
