"""Decision letters come from a decision (office, date, number, addressee); the pre-assessment
the eligibility page shows is never a decision. Neither carries an internal id."""

import datetime as dt

import pytest

from huimin.rules import explain, render_letter
from huimin.rules.letters import APPEAL_EN, APPEAL_ZH, render_pre_assessment
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
DECISION = {
    "office": "大理市民政局",
    "date": dt.date(2026, 4, 8),
    "number": "大市民低〔2026〕17号",
    "addressee": "张三",
}


def _ids(entry) -> list[str]:
    return [str(entry.household_id)] + ([str(entry.person_id)] if entry.person_id else [])


def test_it_names_each_failed_criterion_with_the_appeal_in_both_languages() -> None:
    entry = explain(REFUSED, "2026-03", pinned_parameters()).for_program("dibao")
    letter = render_letter(entry, **DECISION)
    failed = [c for c in entry.criteria if not c.passed]
    assert [c.name for c in failed] == ["income_below_standard", "no_costly_vehicle"]
    for criterion in failed:
        assert criterion.zh in letter and criterion.en in letter
    assert "家庭月人均收入低于当地低保标准：不符合" in letter
    assert "actual 60,000.00 yuan, required below 50,000.00 yuan" in letter
    assert "（依据：《社会救助暂行办法》第九条）" in letter and "SAIM §" not in letter
    assert APPEAL_ZH in letter and APPEAL_EN in letter
    assert "60日" in letter and "6个月" in letter and "60 days" in letter and "6 months" in letter
    passed = [c for c in entry.criteria if c.passed]
    refusal_en = render_letter(entry, "en", **DECISION)
    assert all(c.en not in refusal_en for c in passed)  # a refusal lists only what failed


def test_it_shows_the_amount_and_how_it_was_computed_on_approval() -> None:
    entry = explain(APPROVED, "2026-03", pinned_parameters()).for_program("dibao")
    zh, en = render_letter(entry, "zh", **DECISION), render_letter(entry, "en", **DECISION)
    assert "每月发放 727.00 元" in zh
    assert "标准 850.00 元 × 1 人 − 家庭计算收入 123.45 元 = 726.55 元" in zh
    assert "726.55" in en and "rounded up to whole yuan: 727.00" in en
    assert APPEAL_ZH in zh and APPEAL_EN in en


def test_the_letter_comes_from_the_decision_and_names_the_person_not_an_id() -> None:
    entry = explain(APPROVED, "2026-03", pinned_parameters()).for_program("dibao")
    zh, en = render_letter(entry, "zh", **DECISION), render_letter(entry, "en", **DECISION)
    for letter in (zh, en):
        assert "大理市民政局" in letter and "大市民低〔2026〕17号" in letter and "张三" in letter
    assert "张三：" in zh and "2026年4月8日" in zh and "8 April 2026" in en
    assert "户号" not in zh and "Household:" not in en
    with pytest.raises(TypeError):
        render_letter(entry, "zh")  # type: ignore[call-arg]  # a letter needs its decision


def test_a_person_level_letter_is_addressed_by_name() -> None:
    household = {
        "region_code": "532901001001",
        "residence_type": "urban",
        "members": [{"birth_date": "1946-04-01"}],
    }
    entry = explain(household, "2026-03", pinned_parameters()).for_program("old_age", 101)
    letter = render_letter(entry, "en", **{**DECISION, "addressee": "Li Si"})
    assert "To Li Si" in letter and "Person:" not in letter
    assert "the person is 80 or older: not met; actual 79 years old, required at least 80" in letter
    assert all(f" {i}\n" not in letter and f": {i}" not in letter for i in _ids(entry))


def test_the_pre_assessment_is_never_a_decision() -> None:
    for household in (APPROVED, REFUSED):
        entry = explain(household, "2026-03", pinned_parameters()).for_program("dibao")
        zh, en = render_pre_assessment(entry, "zh"), render_pre_assessment(entry, "en")
        assert zh.startswith("根据登记信息预评估") and en.startswith(
            "Pre-assessment from the registry"
        )
        assert "不是审批决定" in zh and "not a decision and gives no right of appeal yet" in en
        assert "如需申请" in zh and "To apply:" in en
        for decision in ("决定予以批准", "决定不予批准", "审批决定书", APPEAL_ZH):
            assert decision not in zh
        assert "approved" not in en and "refused" not in en and APPEAL_EN not in en


def test_an_amount_resting_on_an_example_value_says_so() -> None:
    parameters = pinned_parameters()
    entry = explain(APPROVED, "2026-03", parameters).for_program("dibao")
    standard = parameters.resolve("dibao.standard.urban", APPROVED["region_code"], "2026-03")
    assert standard.source.startswith("example")
    for text in (render_pre_assessment(entry, "zh"), render_letter(entry, "zh", **DECISION)):
        assert "示例值" in text and "城市低保标准（每月 850.00 元）" in text
    en = render_pre_assessment(entry, "en")
    assert "the office must set its own value" in en
    assert "Urban dibao standard per person per month (850.00 yuan a month)" in en
    local = parameters.with_overrides(
        [
            {
                "name": "dibao.standard.urban",
                "region": "532901",
                "start": "2026-01-01",
                "value": standard.value,
                "source": "大理市民政局 2026 年第 1 号",
            }
        ]
    )
    entry = explain(APPROVED, "2026-03", local).for_program("dibao")
    assert "城市低保标准" not in render_pre_assessment(entry, "zh")
