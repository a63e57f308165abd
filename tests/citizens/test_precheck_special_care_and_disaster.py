"""The pre-check asks about military service (优抚) and a natural disaster, and says for those two
programs what `evaluate` says for the same facts."""

import pytest
from django.test import Client

from huimin.citizens.forms import PrecheckForm
from huimin.citizens.precheck import Answers, Disaster, Member, facts_from_answers, precheck
from tests.citizens.test_precheck_matches_evaluate import PERIOD, evaluated

FAMILY = (Member(45), Member(12))

CASES = [
    Answers("532901", "urban", (Member(60, special_care="martyr_family"),), 0),
    Answers(
        "532922", "rural", (Member(35, special_care="disabled_veteran", special_care_grade=3),), 0
    ),
    # a disabled veteran whose grade is not given: the rules say what is missing
    Answers("532922", "rural", (Member(35, special_care="disabled_veteran"),), 0),
    Answers("532901", "urban", (Member(70), Member(68, special_care="veteran_in_difficulty")), 0),
    Answers("532901", "rural", FAMILY, 0, disaster=Disaster(home_destroyed=True)),
    Answers(
        "532922",
        "rural",
        FAMILY,
        0,
        disaster=Disaster(deaths=1, days_away_from_home=200, persons_in_need_winter=2),
    ),
    Answers("532901", "urban", FAMILY, 0),  # neither
]


def shown(answers: Answers, lang: str = "zh") -> dict[str, tuple[bool, int]]:
    return {o.program: (o.may_qualify, o.amount_fen) for o in precheck(answers, PERIOD, lang)}


@pytest.mark.parametrize("answers", CASES)
def test_it_says_what_evaluate_says(db, answers):
    said = shown(answers)
    assert {"special_care", "disaster"} <= said.keys()
    assert said == evaluated(answers)


def test_the_special_care_amount_is_the_parameter_for_the_category(db):
    """A control on the comparison above: the figures are the parameters', not zero."""
    martyr = shown(CASES[0])["special_care"]
    veteran = shown(CASES[1])["special_care"]
    assert martyr[0] and martyr[1] > 0
    assert veteran[0] and veteran[1] > 0 and veteran != martyr
    assert shown(CASES[2])["special_care"] == (False, 0)
    assert shown(CASES[6])["special_care"] == (False, 0)
    assert facts_from_answers(CASES[1], PERIOD)["members"][0]["special_care_grade"] == 3


def test_the_disaster_relief_grows_with_the_damage(db):
    destroyed, hit_hard, untouched = (shown(CASES[i])["disaster"] for i in (4, 5, 6))
    assert destroyed[0] and destroyed[1] > 0
    assert hit_hard[0] and hit_hard[1] > 0 and hit_hard != destroyed
    assert untouched == (False, 0)


def test_a_refusal_names_the_condition(db):
    outcomes = {o.program: o for o in precheck(CASES[6], PERIOD, "en")}
    assert outcomes["special_care"].unmet[0].text.startswith("the person is entitled")
    assert outcomes["disaster"].unmet[0].text.startswith("the household was hit")
    assert outcomes["disaster"].paid_once and not outcomes["special_care"].paid_once
    assert outcomes["special_care"].guide == "" and outcomes["disaster"].guide == "disaster"


BASE = {"county": "532901", "residence_type": "rural", "m1_age": "45", "homes": "1", "shops": "0"}


def test_the_form_refuses_a_grade_for_someone_not_a_disabled_veteran(regions):
    form = PrecheckForm(
        {**BASE, "m1_special_care": "martyr_family", "m1_veteran_grade": "2"}, lang="en"
    )
    assert not form.is_valid() and "m1_veteran_grade" in form.errors
    form = PrecheckForm({**BASE, "m2_special_care": "martyr_family"}, lang="en")
    assert not form.is_valid() and "m2_age" in form.errors
    form = PrecheckForm({**BASE, "disaster_deaths": "-1"}, lang="en")
    assert not form.is_valid() and "disaster_deaths" in form.errors


def test_the_page_asks_and_answers_in_chinese_and_english(regions):
    data = {
        **BASE,
        "m1_special_care": "disabled_veteran",
        "m1_veteran_grade": "3",
        "disaster_home_destroyed": "on",
        "disaster_days_away": "30",
    }
    form = PrecheckForm(data, lang="zh")
    assert form.is_valid(), form.errors
    answers = form.answers()
    said = shown(answers)
    assert said["special_care"][0] and said["disaster"][0]
    assert said == evaluated(answers)
    zh = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = zh.get("/portal/check/").content.decode()
    assert "优抚" in page and "自然灾害" in page and "<details" in page
    text = zh.post("/portal/check/", data).content.decode()
    assert "优抚对象定期抚恤补助" in text and "自然灾害救助" in text
    assert "一次性发放" in text  # disaster relief is paid once, not a month
    en = Client(HTTP_ACCEPT_LANGUAGE="en")
    text = en.post("/portal/check/", data).content.decode()
    assert "special care pension" in text and "paid once" in text
