"""A decided review gets a letter like the decision letter: numbered from the county office's
sequence, the amount and how it was computed or the reasons to stop, the right of appeal; HTML
and PDF, Chinese and English."""

import datetime as dt

import pytest
from django.utils import timezone

from huimin.casework import services
from huimin.casework.assessment import review_letter_text
from huimin.registry import services as registry
from huimin.registry.models import AssetKind, IncomeType
from huimin.rules.program import yuan
from tests.casework import cases

pytestmark = pytest.mark.django_db


@pytest.fixture
def entitlement(caseworker_a, cast, approver_a, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    application = cases.dibao_application(caseworker_a)
    cases.to_decision(caseworker_a, cast, application)
    services.decision_approve(actor=approver_a, application=application)
    services.letter_issue(actor=approver_a, application=application)
    return services.entitlement_create(actor=approver_a, application=application)


def _decided(caseworker, approver, entitlement, **decide):
    review = services.review_propose(actor=caseworker, entitlement=entitlement)
    return services.review_decide(actor=approver, review=review, **{"accept": True, **decide})


def test_a_continued_entitlement_gets_a_numbered_letter_with_the_amount(
    caseworker_a, approver_a, entitlement
):
    review = _decided(caseworker_a, approver_a, entitlement)
    year = timezone.localdate().year
    # the office's one sequence of letters: the decision took 1, the review takes 2
    assert entitlement.decision.letter_number == f"大理市民政局〔{year}〕1号"
    assert review.letter_number == f"大理市民政局〔{year}〕2号"
    zh = review_letter_text(review, "zh")
    assert "复核决定书" in zh and review.letter_number in zh and "张三" in zh
    assert "继续发放" in zh and yuan(entitlement.monthly_fen) in zh
    assert "计算方法" in zh and "60日内" in zh and "6个月内" in zh
    en = review_letter_text(review, "en")
    assert "Review decision" in en and "payment continues" in en
    assert "reconsideration within 60 days" in en and "within 6 months" in en


def test_an_adjustment_states_the_old_and_the_new_amount(caseworker_a, approver_a, entitlement):
    head = entitlement.household.members.get(relation="head")
    registry.income_add(
        actor=caseworker_a,
        person=head,
        income_type=IncomeType.WAGES,
        monthly_fen=30_000,
        # begun before payment started: an adjustment, not a gradual exit
        valid_from=timezone.localdate().replace(day=1) - dt.timedelta(days=31),
    )
    was = entitlement.monthly_fen
    review = _decided(caseworker_a, approver_a, entitlement)
    assert review.proposal == "adjust"
    zh = review_letter_text(review, "zh")
    assert f"由 {yuan(was)} 元调整为 {yuan(review.amount_fen)} 元" in zh
    en = review_letter_text(review, "en")
    assert f"{yuan(review.amount_fen)} yuan a month instead of {yuan(was)} yuan" in en


def test_a_stop_gives_the_reasons(caseworker_a, approver_a, entitlement):
    registry.asset_add(
        actor=caseworker_a,
        household=entitlement.household,
        kind=AssetKind.VEHICLE,
        value_fen=12_000_000,
        valid_from=timezone.localdate().replace(day=1),
    )
    # decided once payment has started (a stop ends the entitlement with the month decided)
    review = _decided(caseworker_a, approver_a, entitlement, on=dt.date(2027, 3, 5))
    assert review.proposal == "stop"
    zh = review_letter_text(review, "zh")
    assert "不符合" in zh and "决定自2027年4月起停止发放" in zh and "计算方法" not in zh
    assert review.letter_number.endswith("〔2027〕1号")  # the year of the review's decision
    assert "no longer qualify" in review_letter_text(review, "en")


def test_a_proposal_not_followed_keeps_the_amount_for_the_reason(
    caseworker_a, approver_a, entitlement
):
    review = _decided(caseworker_a, approver_a, entitlement, accept=False, note="入户核实无变化")
    zh = review_letter_text(review, "zh")
    assert "维持原待遇" in zh and "入户核实无变化" in zh


def test_the_letter_pages(client, caseworker_a, approver_a, entitlement):
    review = services.review_propose(actor=caseworker_a, entitlement=entitlement)
    client.force_login(caseworker_a)
    assert client.get(f"/casework/reviews/{review.pk}/letter/").status_code == 404  # undecided
    services.review_decide(actor=approver_a, review=review, accept=True)
    review.refresh_from_db()
    page = client.get(f"/casework/reviews/{review.pk}/letter/?lang=zh").content.decode()
    assert review.letter_number in page and "复核决定书" in page
    english = client.get(f"/casework/reviews/{review.pk}/letter/?lang=en").content.decode()
    assert "Review decision" in english
    pdf = client.get(f"/casework/reviews/{review.pk}/letter/?lang=en&format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    entitlement_page = client.get(f"/casework/entitlements/{entitlement.pk}/").content.decode()
    assert f"/casework/reviews/{review.pk}/letter/" in entitlement_page


def test_another_countys_review_letter_is_not_found(
    client, caseworker_a, caseworker_b, approver_a, entitlement
):
    review = _decided(caseworker_a, approver_a, entitlement)
    client.force_login(caseworker_b)
    assert client.get(f"/casework/reviews/{review.pk}/letter/").status_code == 404


def test_a_gradual_exit_names_the_last_month_paid(caseworker_a, approver_a, entitlement):
    registry.income_add(
        actor=caseworker_a,
        person=entitlement.household.members.get(relation="head"),
        income_type=IncomeType.WAGES,
        monthly_fen=150_000,  # a new wage since payment began, within 3x the standard
        valid_from=entitlement.start_month,
    )
    on = entitlement.start_month + dt.timedelta(days=3)
    review = services.review_propose(actor=caseworker_a, entitlement=entitlement, on=on)
    assert review.proposal == "gradual_exit"
    services.review_decide(actor=approver_a, review=review, accept=True, on=on)
    review.refresh_from_db()
    entitlement.refresh_from_db()
    last = entitlement.end_month
    zh = review_letter_text(review, "zh")
    assert f"至{last.year}年{last.month}月，此后停止发放" in zh
    assert yuan(entitlement.monthly_fen) in zh
    assert "payment stops after that" in review_letter_text(review, "en")
