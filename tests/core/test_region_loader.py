import pytest

from huimin.core.errors import ValidationFailed
from huimin.core.models import Region
from huimin.core.region_loader import BUNDLED_REGIONS, regions_load
from huimin.core.regions import full_code, is_urban_township, is_within, level_of, short_code


def test_codes_lose_only_trailing_zero_groups():
    assert short_code("530000000000") == "53"
    assert short_code("532900000000") == "5329"
    assert short_code("532901100000") == "532901100"  # the township group is 100, not zero
    assert short_code("532901100201") == "532901100201"
    assert full_code("5329") == "532900000000"
    assert level_of("532901100") == "township"
    assert is_within("532901100201", "5329") and not is_within("532922100201", "532901")
    assert is_urban_township("532901003") and not is_urban_township("532901102")


def test_a_malformed_code_is_named():
    with pytest.raises(ValidationFailed, match="“53290”"):
        short_code("53290")


def test_a_national_file_with_full_codes_loads_level_by_level(db, tmp_path):
    csv_file = tmp_path / "national.csv"
    csv_file.write_text(
        "code,name_zh\n"
        "532901003001,测试社区\n"  # children may come before their parents in the file
        "530000000000,云南省\n532900000000,大理白族自治州\n532901000000,大理市\n"
        "532901003000,下关街道\n",
        encoding="utf-8",
    )
    outcome = regions_load(path=csv_file)
    assert outcome.created == 5
    village = Region.objects.get(code="532901003001")
    assert village.level == "village"
    assert village.parent.code == "532901003"
    assert village.parent.parent.parent.parent.code == "53"
    again = regions_load(path=csv_file)
    assert (again.created, again.updated) == (0, 0)


def test_bad_rows_are_reported_by_number_and_nothing_is_loaded(db, tmp_path):
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text("code,name_zh\n53,云南省\n5329x,坏\n5329,\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as raised:
        regions_load(path=csv_file)
    assert "row 3" in raised.value.message and "row 4" in raised.value.message
    assert not Region.objects.exists()


def test_a_parent_missing_everywhere_is_refused(db, tmp_path):
    csv_file = tmp_path / "orphan.csv"
    csv_file.write_text("code,name_zh\n532901,大理市\n", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="5329"):
        regions_load(path=csv_file)


def test_the_bundled_file_has_dali_complete(db):
    regions_load(path=BUNDLED_REGIONS)
    dali = Region.objects.get(code="5329")
    assert dali.children.count() == 12
    assert Region.objects.filter(code__startswith="5329", level="township").count() >= 100
    assert Region.objects.filter(level="prefecture", parent__code="53").count() == 16
