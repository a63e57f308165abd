"""The dry run names every wrong cell by row, column and a reason a caseworker understands."""

import csv
import io
import itertools
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import translation
from stdnum.cn import ric

from huimin.registry.bulk.columns import COLUMNS
from huimin.registry.bulk.services import registry_import_run
from huimin.registry.models import Household, Person
from tests.conftest import VILLAGE_A, VILLAGE_B

# Each test numbers its identity numbers from 1 (see fresh_serials), so what a test asserts about
# a number (its birth date, its sex digit) never depends on how many tests ran before it.
_serials: list[itertools.count] = [itertools.count(1)]


@pytest.fixture(autouse=True)
def fresh_serials():
    _serials[0] = itertools.count(1)


@pytest.fixture(autouse=True)
def in_english(client):
    """Messages are asserted in English; the Chinese ones are checked once, below."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


KEYS = [c.key for c in COLUMNS]


def an_id(birth: date = date(1980, 5, 17), sex: str = "M", area: str = "532901") -> str:
    """A valid number born on `birth` exactly, of sex `sex`; unique within the test."""
    n = next(_serials[0])
    assert n < 499, "a test needs fewer than 499 numbers for one birth date and sex"
    body = f"{area}{birth:%Y%m%d}{n * 2 + (1 if sex == 'M' else 0):03d}"
    return body + ric.calc_check_digit(body + "0")


def person(household_no: str = "HH-1", relation: str = "子女", **cells: str) -> dict[str, str]:
    row = {
        "household_no": household_no,
        "relation": relation,
        "name": "王小明",
        "id_number": an_id(),
    }
    row.update(cells)
    return row


def head(household_no: str = "HH-1", village: str = VILLAGE_A, **cells: str) -> dict[str, str]:
    row = {
        "household_no": household_no,
        "village_code": village,
        "address": "下关街道建设路12号",
        "residence_type": "农村",
        "relation": "户主",
        "name": "王大山",
        "id_number": an_id(),
        "income_wages": "1200.50",
        "bank_name": "中国农业银行",
        "bank_account": "6228480000000000018",
        "phone": "13812345678",
        "deposits": "3000",
        "homes": "1",
    }
    row.update(cells)
    return row


def csv_file(tmp_path: Path, rows: list[dict[str, str]], name: str = "people.csv") -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=KEYS)
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / name
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def run(user, path: Path, mode: str = "check"):
    return registry_import_run(user=user, path=path, file_name=path.name, mode=mode)


def errors_by_row(outcome) -> dict[int, dict[str, str]]:
    found: dict[int, dict[str, str]] = {}
    for row, column, _label, message in outcome.errors:
        found.setdefault(row, {})[column] = message
    return found


def test_it_accepts_a_clean_file(caseworker_a, tmp_path):
    outcome = run(caseworker_a, csv_file(tmp_path, [head(), person()]))
    assert outcome.errors == []
    assert outcome.counts["rows"] == 2 and outcome.counts["rows_accepted"] == 2
    assert outcome.counts["persons_new"] == 2 and outcome.counts["households_new"] == 1
    assert not Person.objects.exists(), "a dry run writes nothing"


def test_it_reports_each_kind_of_error_by_row_and_column(caseworker_a, tmp_path):
    good_id = an_id(date(1990, 1, 2), "F")
    bad_check = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")
    rows = [
        head("HH-1"),  # row 2
        person("HH-1", id_number=bad_check),  # row 3: check digit
        person("HH-1", id_number=an_id(date(1990, 1, 2), "F"), birth_date="1990-01-03"),  # row 4
        person("HH-1", id_number=an_id(date(1990, 1, 2), "F"), sex="男"),  # row 5
        head("HH-2", village="532901999999"),  # row 6: unknown village
        head("HH-3", village=VILLAGE_B),  # row 7: outside jurisdiction
        person("HH-1", id_number=good_id),  # row 8: same ID twice
        person("HH-1", id_number=good_id),  # row 9
        person("HH-4", relation="子女"),  # row 10: household without a head (and no village)
        head("HH-5", death_date="2024-01-01", payee="是"),  # row 11: dead payee
        head("HH-6", income_wages="12.345"),  # row 12: bad money
        head("HH-7", income_farm_net="abc", disability_category="4"),  # row 13
    ]
    outcome = run(caseworker_a, csv_file(tmp_path, rows))
    errors = errors_by_row(outcome)
    assert "check digit" in errors[3]["id_number"]
    assert "1990-01-02" in errors[4]["birth_date"]
    assert "女" in errors[5]["sex"]
    assert "no village" in errors[6]["village_code"]
    assert "outside your jurisdiction" in errors[7]["village_code"]
    assert "rows 8、9" in errors[8]["id_number"] and "rows 8、9" in errors[9]["id_number"]
    assert "no head" in errors[10]["relation"]
    assert "died" in errors[11]["payee"]
    assert "more than two decimal" in errors[12]["income_wages"]
    assert "not an amount" in errors[13]["income_farm_net"]
    assert "together" in errors[13]["disability_grade"]
    # Household HH-1 has wrong rows, so all its rows are refused, the head's too.
    assert outcome.counts["rows_accepted"] == 0
    assert outcome.counts["households_rejected"] == 7


def test_messages_follow_the_users_language(caseworker_a, tmp_path):
    with translation.override("zh-hans"):
        outcome = run(caseworker_a, csv_file(tmp_path, [head(income_wages="x")]))
    assert "金额" in errors_by_row(outcome)[2]["income_wages"]


def test_an_id_already_in_another_household_names_it_only_within_jurisdiction(
    caseworker_a, caseworker_b, tmp_path
):
    mine = head("HH-A")
    theirs = head("HH-B", village=VILLAGE_B)
    run(caseworker_a, csv_file(tmp_path, [mine], "a.csv"), mode="all")
    run(caseworker_b, csv_file(tmp_path, [theirs], "b.csv"), mode="all")
    moved = [
        head("HH-C"),
        person("HH-C", id_number=mine["id_number"]),
        person("HH-C", id_number=theirs["id_number"]),
    ]
    errors = errors_by_row(run(caseworker_a, csv_file(tmp_path, moved, "c.csv")))
    assert "HH-A" in errors[3]["id_number"]
    assert "outside your jurisdiction" in errors[4]["id_number"]
    assert "HH-B" not in errors[4]["id_number"]


def test_a_household_number_of_another_county_is_refused(caseworker_a, caseworker_b, tmp_path):
    run(caseworker_b, csv_file(tmp_path, [head("HH-X", village=VILLAGE_B)], "b.csv"), mode="all")
    errors = errors_by_row(run(caseworker_a, csv_file(tmp_path, [head("HH-X")], "a.csv")))
    assert "outside your jurisdiction" in errors[2]["household_no"]
    assert Household.objects.get(household_no="HH-X").region_code == VILLAGE_B


def test_two_heads_and_disagreeing_household_columns(caseworker_a, tmp_path):
    rows = [head("HH-1"), head("HH-1", address="另一个地址")]
    errors = errors_by_row(run(caseworker_a, csv_file(tmp_path, rows)))
    assert "2 heads" in errors[2]["relation"]
    assert "must agree" in errors[3]["address"]


def test_a_file_without_the_required_columns_is_refused_whole(caseworker_a, tmp_path):
    from huimin.core.errors import ValidationFailed

    path = tmp_path / "wrong.csv"
    path.write_text("name,phone\n张三,13812345678\n", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="id_number"):
        run(caseworker_a, path)


def test_the_vectorized_id_check_agrees_with_stdnum():
    import polars as pl

    from huimin.registry.bulk.validation import id_checksum_ok

    numbers = [an_id(date(1950, 1, 1) + timedelta(days=37 * i), "MF"[i % 2]) for i in range(300)]
    broken = [n[:-1] + ("X" if n[-1] != "X" else "0") for n in numbers[:100]]
    everything = numbers + broken + ["12345", "", "53290119800517001x"]
    ours = id_checksum_ok(pl.Series(everything))
    expected = [
        len(n) == 18 and n[:-1].isdigit() and ric.calc_check_digit(n) == n[-1] for n in everything
    ]
    assert list(ours) == expected
