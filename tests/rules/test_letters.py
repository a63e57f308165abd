"""Decision letters: an approval shows the computation; a refusal names each failed criterion."""

from huimin.rules import explain, render_letter
from huimin.rules.letters import APPEAL_EN, APPEAL_ZH
from tests.rules.pinned import pinned_parameters

REFUSED = {
    "region_code": "532901001001",
    "residence_type": "urban",
    "vehicle_value_fen": 6_000_000,
    "members": [
        {"birth_date": "1980-01-01", "incomes": [{"income_type": "wages", "monthly_fen": 200_000}]}
    ],
}
APPROVED = {
    "region_code": "532901001001",
    "residence_type": "urban",
    "members": [
        {"birth_date": "1980-01-01", "incomes": [{"income_type": "wages", "monthly_fen": 12_345}]}
    ],
}


def test_it_names_each_failed_criterion_with_the_appeal_in_both_languages() -> None:
    entry = explain(REFUSED, "2026-03", pinned_parameters()).for_program("dibao")
    letter = render_letter(entry)
    failed = [c for c in entry.criteria if not c.passed]
    assert [c.name for c in failed] == ["income_below_standard", "no_costly_vehicle"]
    for criterion in failed:
        assert criterion.zh in letter and criterion.en in letter
    assert "家庭月人均收入低于当地低保标准：不符合" in letter
    assert "actual 60,000.00 yuan, required < 50,000.00 yuan" in letter
    assert APPEAL_ZH in letter and APPEAL_EN in letter
    assert "60日" in letter and "6个月" in letter and "60 days" in letter and "6 months" in letter
    passed = [c for c in entry.criteria if c.passed]
    refusal_en = render_letter(entry, "en")
    assert all(c.en not in refusal_en for c in passed)  # a refusal lists only what failed


def test_it_shows_the_amount_and_how_it_was_computed_on_approval() -> None:
    entry = explain(APPROVED, "2026-03", pinned_parameters()).for_program("dibao")
    zh, en = render_letter(entry, "zh"), render_letter(entry, "en")
    assert "每月发放 727.00 元" in zh
    assert "标准 850.00 元 × 1 人 − 家庭计算收入 123.45 元 = 726.55 元" in zh
    assert "726.55" in en and "rounded up to whole yuan: 727.00" in en
    assert APPEAL_ZH in zh and APPEAL_EN in en


def test_it_writes_person_level_letters() -> None:
    household = {
        "region_code": "532901001001",
        "residence_type": "urban",
        "members": [{"birth_date": "1946-04-01"}],
    }
    letter = render_letter(
        explain(household, "2026-03", pinned_parameters()).for_program("old_age", 101), "en"
    )
    assert "Person: 101" in letter
    assert "the person is 80 or older: not met; actual 79 years, required >= 80 years" in letter
