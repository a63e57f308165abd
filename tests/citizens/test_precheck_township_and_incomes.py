"""The pre-check takes a township's own values and each person's money by kind, and still says
what `evaluate` says for the same facts."""

import datetime as dt

from django.test import Client

from huimin.citizens.forms import PrecheckForm
from huimin.citizens.precheck import Answers, Member, facts_from_answers, precheck
from huimin.programs.services import parameter_override_create
from tests.citizens.test_precheck_matches_evaluate import PERIOD, evaluated

TOWNSHIP = "532901001"  # 下关街道 in Dali city


def dibao(answers: Answers) -> tuple[bool, int]:
    [outcome] = [o for o in precheck(answers, PERIOD, "zh") if o.program == "dibao"]
    return outcome.may_qualify, outcome.amount_fen


def test_a_townships_own_standard_applies_when_the_township_is_given(regions, admin_user):
    parameter_override_create(
        actor=admin_user,
        name="dibao.standard.urban",
        region=TOWNSHIP,
        start=dt.date(2026, 1, 1),
        value=95_000,
        source="下关街道 2026 年第 1 号 (test)",
    )
    family = (Member(40, able_to_work=False), Member(8))
    county_only = Answers("532901", "urban", family, 0)
    in_township = Answers("532901", "urban", family, 0, township=TOWNSHIP)
    assert facts_from_answers(in_township, PERIOD)["region_code"] == "532901001000"
    assert dibao(in_township)[1] > dibao(county_only)[1] > 0
    for answers in (county_only, in_township):
        assert dibao(answers) == evaluated(answers)["dibao"]


def test_a_basic_pension_does_not_count_where_other_money_does(db):
    pension = Answers("532901", "urban", (Member(70, basic_pension_fen=150_000),), 0)
    other = Answers("532901", "urban", (Member(70),), 150_000)
    nothing = Answers("532901", "urban", (Member(70),), 0)
    assert dibao(pension) == dibao(nothing)  # the rules disregard the residents' pension
    assert dibao(other)[1] < dibao(nothing)[1]
    for answers in (pension, other, nothing):
        assert dibao(answers) == evaluated(answers)["dibao"]


def test_each_persons_earnings_are_theirs(db):
    earning_child = Answers("532901", "urban", (Member(50), Member(22, earnings_fen=30_000)), 0)
    facts = facts_from_answers(earning_child, PERIOD)
    assert facts["members"][0]["incomes"] == []
    [income] = facts["members"][1]["incomes"]
    assert (income["income_type"], income["monthly_fen"]) == ("wages", 30_000)
    none = Answers("532901", "urban", (Member(50), Member(22)), 0)
    assert dibao(earning_child)[1] < dibao(none)[1]
    assert dibao(earning_child) == evaluated(earning_child)["dibao"]


def test_the_form_refuses_a_township_of_another_county(regions):
    data = {
        "county": "532922",
        "township": TOWNSHIP,
        "residence_type": "urban",
        "m1_age": "40",
        "homes": "1",
        "shops": "0",
    }
    form = PrecheckForm(data, lang="zh")
    assert not form.is_valid() and "township" in form.errors
    form = PrecheckForm({**data, "county": "532901", "m2_earnings": "100"}, lang="zh")
    assert not form.is_valid() and "m2_age" in form.errors


def test_the_page_takes_the_township_and_the_earnings(regions):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = client.get("/portal/check/").content.decode()
    assert "下关街道" in page and "大理镇" in page
    data = {
        "county": "532901",
        "township": TOWNSHIP,
        "residence_type": "urban",
        "m1_age": "45",
        "m1_earnings": "9000",
        "homes": "1",
        "shops": "0",
    }
    response = client.post("/portal/check/", data)
    assert response.status_code == 200
    text = response.content.decode()
    earns_well = Answers("532901", "urban", (Member(45, earnings_fen=900_000),), 0, TOWNSHIP)
    assert dibao(earns_well) == (False, 0)
    assert "目前不符合" in text  # the earnings typed on the page were counted
    assert 'value="532901001" selected' in text


def test_an_orphan_and_a_child_without_support_are_asked_about(db):
    orphan = Answers("532901", "rural", (Member(70), Member(10, parents="both_dead")), 0)
    unsupported = Answers("532901", "rural", (Member(70), Member(10, parents="both_unable")), 0)
    looked_after = Answers("532901", "rural", (Member(70), Member(10)), 0)
    for answers in (orphan, unsupported, looked_after):
        shown = {o.program: (o.may_qualify, o.amount_fen) for o in precheck(answers, PERIOD, "zh")}
        assert shown == evaluated(answers)
    outcomes = {o.program: o for o in precheck(orphan, PERIOD, "zh")}
    assert outcomes["orphan"].may_qualify and outcomes["orphan"].amount_fen > 0
    assert not outcomes["unsupported_child"].may_qualify
    child = {o.program: o for o in precheck(unsupported, PERIOD, "zh")}["unsupported_child"]
    assert child.may_qualify and child.guide == "orphan"
    assert not any(
        o.may_qualify for o in precheck(looked_after, PERIOD, "zh") if o.guide == "orphan"
    )
