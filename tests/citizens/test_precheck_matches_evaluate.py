"""The pre-check says what `evaluate` says for the same facts: the same engine, never a copy."""

import pytest
from django.test import Client

from huimin.citizens.precheck import (
    PRECHECK_PROGRAMS,
    Answers,
    Member,
    facts_from_answers,
    precheck,
)
from huimin.programs.parameters import live_parameters
from huimin.rules import evaluate, frames_from_records

PERIOD = "2026-11"

CASES = [
    # a poor urban couple with a child
    Answers("532901", "urban", (Member(40), Member(38), Member(8)), income_fen=50_000),
    # an old person alone with a disability, no income, nobody to support her
    Answers(
        "532922",
        "rural",
        (Member(82, 4, 1, able_to_work=False, has_supporter=False),),
        income_fen=0,
    ),
    # a family that earns well, with a car
    Answers(
        "532901",
        "urban",
        (Member(45), Member(44)),
        income_fen=900_000,
        vehicle_value_fen=12_000_000,
    ),
    # an emergency expense this month
    Answers(
        "532901",
        "rural",
        (Member(50), Member(20, student=True)),
        80_000,
        emergency_expense_fen=3_000_000,
    ),
]


def evaluated(answers: Answers) -> dict[str, tuple[bool, int]]:
    frames = evaluate(
        frames_from_records([facts_from_answers(answers, PERIOD)]), PERIOD, live_parameters()
    )
    result = {}
    for name in PRECHECK_PROGRAMS:
        eligible = frames[name].filter(frames[name]["eligible"])
        result[name] = (eligible.height > 0, int(eligible["amount_fen"].sum() or 0))
    return result


@pytest.mark.parametrize("answers", CASES)
def test_it_says_what_evaluate_says(db, answers):
    shown = {o.program: (o.may_qualify, o.amount_fen) for o in precheck(answers, PERIOD, "zh")}
    assert shown == evaluated(answers)


def test_it_names_the_unmet_condition_and_by_how_much(db):
    outcomes = {o.program: o for o in precheck(CASES[2], PERIOD, "en")}
    dibao = outcomes["dibao"]
    assert not dibao.may_qualify
    assert dibao.unmet, "a refusal names what is not met"
    assert any(u.short_by for u in dibao.unmet), "a money condition says how far off"


def test_it_varies_with_the_answers(db):
    """A control: the cases above do not all answer the same."""
    answers = {tuple(sorted(evaluated(a).items())) for a in CASES}
    assert len(answers) > 1
    assert any(q for a in CASES for q, _ in evaluated(a).values())


def test_the_page_answers_and_stores_nothing(regions, django_assert_max_num_queries):
    from huimin.core.models import AuditEvent

    before = AuditEvent.objects.count()
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    data = {
        "county": "532901",
        "residence_type": "urban",
        "m1_age": "40",
        "m2_age": "8",
        "income": "200",
        "homes": "1",
        "shops": "0",
    }
    with django_assert_max_num_queries(6):
        response = client.post("/portal/check/", data)
    assert response.status_code == 200
    text = response.content.decode()
    expected = {
        o.program: o
        for o in precheck(Answers("532901", "urban", (Member(40), Member(8)), 20_000), PERIOD, "zh")
    }
    assert expected["dibao"].may_qualify
    assert "你可能符合" in text or "可能符合" in text
    assert AuditEvent.objects.count() == before
