"""The shipped region table: code shapes, the prefix rule, Dali's counties, villages and names."""

import csv
import importlib.util
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

# Read by path rather than through huimin.core so the check needs no Django app to import.
CSV_PATH = Path(__file__).resolve().parents[2] / "huimin" / "core" / "data" / "regions_yunnan.csv"

CODE_SHAPES = {
    "province": re.compile(r"^[1-9]\d$"),
    "prefecture": re.compile(r"^\d{2}(?!00)\d{2}$"),
    "county": re.compile(r"^\d{4}(?!00)\d{2}$"),
    "township": re.compile(r"^\d{6}(?!000)\d{3}$"),
    "village": re.compile(r"^\d{9}(?!000)\d{3}$"),
}
PARENT_LEVEL = {
    "prefecture": "province",
    "county": "prefecture",
    "township": "county",
    "village": "township",
}
DALI_COUNTIES = {
    "532901",
    "532922",
    "532923",
    "532924",
    "532925",
    "532926",
    "532927",
    "532928",
    "532929",
    "532930",
    "532931",
    "532932",
}


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with CSV_PATH.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def by_code(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {row["code"]: row for row in rows}


def test_it_has_the_expected_header() -> None:
    with CSV_PATH.open(encoding="utf-8") as handle:
        assert handle.readline().strip() == "code,level,name_zh,name_en,parent_code"


def test_it_has_unique_codes(rows: list[dict[str, str]]) -> None:
    duplicates = [code for code, n in Counter(row["code"] for row in rows).items() if n > 1]
    assert duplicates == []


def test_it_writes_every_code_in_the_shape_of_its_level(rows: list[dict[str, str]]) -> None:
    bad = [row["code"] for row in rows if not CODE_SHAPES[row["level"]].match(row["code"])]
    assert bad == []


def test_it_gives_every_region_an_existing_parent_that_prefixes_it(
    rows: list[dict[str, str]], by_code: dict[str, dict[str, str]]
) -> None:
    for row in rows:
        if row["level"] == "province":
            assert row["parent_code"] == ""
            continue
        parent = by_code.get(row["parent_code"])
        assert parent is not None, row["code"]
        assert parent["level"] == PARENT_LEVEL[row["level"]], row["code"]
        assert row["code"].startswith(parent["code"]), row["code"]


def test_it_has_yunnan_with_its_sixteen_prefectures(rows: list[dict[str, str]]) -> None:
    prefectures = {row["code"] for row in rows if row["level"] == "prefecture"}
    assert {row["code"] for row in rows if row["level"] == "province"} == {"53"}
    assert len(prefectures) == 16
    assert {"5301", "5329", "5334"} <= prefectures


def test_it_has_dali_with_exactly_its_twelve_counties(rows: list[dict[str, str]]) -> None:
    dali = {
        row["code"] for row in rows if row["level"] == "county" and row["parent_code"] == "5329"
    }
    assert dali == DALI_COUNTIES


def test_it_has_townships_for_every_dali_county(rows: list[dict[str, str]]) -> None:
    counties_with_townships = {row["parent_code"] for row in rows if row["level"] == "township"}
    assert counties_with_townships == DALI_COUNTIES
    assert 100 <= sum(row["level"] == "township" for row in rows) <= 130


def test_it_gives_every_township_at_least_one_village(rows: list[dict[str, str]]) -> None:
    townships = {row["code"] for row in rows if row["level"] == "township"}
    with_villages = {row["parent_code"] for row in rows if row["level"] == "village"}
    assert townships == with_villages


def test_it_numbers_communities_and_village_committees_in_their_ranges(
    rows: list[dict[str, str]],
) -> None:
    for row in rows:
        if row["level"] != "village":
            continue
        number = int(row["code"][9:])
        if row["name_zh"].endswith("社区"):
            assert 1 <= number <= 199, row["code"]
        else:
            assert 200 <= number <= 399, row["code"]


def test_it_keeps_names_unique_within_a_parent(rows: list[dict[str, str]]) -> None:
    for column in ("name_zh", "name_en"):
        seen = Counter((row["parent_code"], row[column]) for row in rows)
        assert [key for key, n in seen.items() if n > 1] == [], column


def test_it_names_every_region_in_both_languages(rows: list[dict[str, str]]) -> None:
    for row in rows:
        assert row["name_zh"] and re.search(r"[\u4e00-\u9fff]", row["name_zh"]), row["code"]
        assert re.fullmatch(r"[A-Z][A-Za-z' ]+", row["name_en"]), row["code"]


def test_it_regenerates_the_same_villages_from_the_script(tmp_path: Path) -> None:
    # The villages are generated; the committed file must be exactly what the script writes.
    script = CSV_PATH.with_name("build_villages.py")
    spec = importlib.util.spec_from_file_location("build_villages", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    copy = tmp_path / "regions.csv"
    shutil.copyfile(CSV_PATH, copy)
    module.rebuild(copy)
    assert copy.read_bytes() == CSV_PATH.read_bytes()
