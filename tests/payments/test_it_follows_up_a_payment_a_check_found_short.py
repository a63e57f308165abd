"""A post-payment check that finds a payment received less or not at all opens a follow-up.

The follow-up is a residents' request of kind "payment", routed to the payroll's region, with a
time limit (`requests.payment_days`): one per check, noted when the check is recorded again.
"""

import pytest
from django.test import Client
from django.utils import timezone

from huimin.citizens.models import Request, RequestChannel, RequestKind, RequestStatus
from huimin.citizens.services import request_answer, request_file
from huimin.citizens.services.requests import time_limit_days
from huimin.core.errors import ValidationFailed
from huimin.core.models import AuditEvent
from huimin.core.workdays import add_working_days
from huimin.payments import services, visits
from tests.payments.factories import approver_user, finance_user
from tests.payments.flow import LAYOUT, approved_cycle, bank_return


@pytest.fixture
def finance(regions):
    return finance_user()


@pytest.fixture
def drawn(caseworker_a, finance):
    """Three paid lines of a payroll of Dali city, every one drawn for a check."""
    cycle = approved_cycle(caseworker_a, finance, approver_user())
    services.cycle_export(actor=finance, cycle=cycle, layout_key=LAYOUT)
    name, content = bank_return(cycle, {})
    services.return_apply(actor=finance, cycle=cycle, content=content, file_name=name)
    return visits.visits_draw(actor=finance, cycle=cycle, share=1.0)


def test_it_opens_one_follow_up_for_a_payment_received_less(drawn, caseworker_a):
    visit = drawn[0]
    visits.visit_record(
        actor=caseworker_a, visit=visit, outcome="received_less", note="只收到 200 元"
    )
    follow_up = Request.objects.get()
    today = timezone.localdate()
    assert (follow_up.kind, follow_up.channel) == (RequestKind.PAYMENT, RequestChannel.CHECK)
    assert follow_up.payment_visit == visit and follow_up.text == "只收到 200 元"
    assert follow_up.region_code == visit.cycle.region_code == "532901"  # the payroll's office
    assert follow_up.status == RequestStatus.OPEN and follow_up.filed_by == caseworker_a
    days = time_limit_days("payment", "532901", today)
    assert days == 10 and follow_up.due_date == add_working_days(today, days).day
    filed = AuditEvent.objects.get(action="citizen.request_file")
    line = visit.line
    assert filed.changes == {
        "kind": "payment",
        "channel": "check",
        "anonymous": False,
        "visit": visit.pk,
        "line": line.pk,
        "month": f"{line.month:%Y-%m}",
        "amount_fen": line.amount_fen,
        "outcome": "received_less",
    }
    recorded = AuditEvent.objects.get(action="payments.visit_record")
    assert recorded.changes["follow_up"] == follow_up.pk


def test_it_opens_nothing_for_a_payment_received_or_a_recipient_not_reached(drawn, finance):
    full, unreached, _third = drawn
    visits.visit_record(actor=finance, visit=full, outcome="received_full", note="")
    visits.visit_record(actor=finance, visit=unreached, outcome="unreachable", note="家中无人")
    assert not Request.objects.exists()
    assert (
        "follow_up" not in AuditEvent.objects.filter(action="payments.visit_record").first().changes
    )


def test_it_keeps_one_follow_up_per_check_when_the_check_is_recorded_again(drawn, finance):
    visit = drawn[0]
    visits.visit_record(actor=finance, visit=visit, outcome="received_less", note="少了 100 元")
    visits.visit_record(actor=finance, visit=visit, outcome="received_less", note="少了 100 元")
    visits.visit_record(actor=finance, visit=visit, outcome="not_received", note="一分没收到")
    follow_up = Request.objects.get()  # still one
    (note,) = follow_up.answers.all()  # the same finding twice is not noted twice
    assert (note.visit_outcome, note.text, note.closes) == ("not_received", "一分没收到", False)
    assert follow_up.text == "少了 100 元"  # what it was opened with stays
    assert AuditEvent.objects.filter(action="citizen.request_file").count() == 1
    assert AuditEvent.objects.get(action="citizen.request_answer").changes == {
        "closes": False,
        "visit_outcome": "not_received",
        "reopens": False,
    }


def test_it_notes_a_correction_to_received_in_full_and_keeps_the_follow_up(
    drawn, finance, caseworker_a
):
    visit = drawn[0]
    visits.visit_record(actor=finance, visit=visit, outcome="not_received", note="没收到")
    visits.visit_record(actor=finance, visit=visit, outcome="received_full", note="记错了，已收到")
    follow_up = Request.objects.get()
    assert follow_up.status == RequestStatus.OPEN  # a person answers and closes it
    assert [(a.visit_outcome, a.text) for a in follow_up.answers.all()] == [
        ("received_full", "记错了，已收到")
    ]
    request_answer(actor=caseworker_a, filed=follow_up, text="核实已到账", close=True)
    # Found short again after it was closed: the same follow-up is opened again, in time anew.
    visits.visit_record(actor=finance, visit=visit, outcome="received_less", note="又说少了")
    follow_up.refresh_from_db()
    assert Request.objects.count() == 1
    assert (follow_up.status, follow_up.closed_at, follow_up.answered_in_time) == (
        "open",
        None,
        None,
    )
    assert AuditEvent.objects.filter(action="citizen.request_answer").latest("pk").changes == {
        "closes": False,
        "visit_outcome": "received_less",
        "reopens": True,
    }


def test_it_follows_up_a_check_of_a_closed_payroll(caseworker_a, finance):
    cycle = approved_cycle(caseworker_a, finance, approver_user(), n=1)
    services.cycle_export(actor=finance, cycle=cycle, layout_key=LAYOUT)
    name, content = bank_return(cycle, {})
    services.return_apply(actor=finance, cycle=cycle, content=content, file_name=name)
    cycle = services.cycle_close(
        actor=finance, cycle=services.cycle_reconcile(actor=finance, cycle=cycle)
    )
    (visit,) = visits.visits_draw(actor=finance, cycle=cycle, share=1.0)
    visits.visit_record(actor=finance, visit=visit, outcome="not_received", note="没收到")
    assert Request.objects.get().payment_visit == visit


def test_it_is_opened_only_by_a_check(regions):
    with pytest.raises(ValidationFailed, match="post-payment check"):
        request_file(kind="payment", text="没收到钱", region_code="532901001")


def test_it_is_worked_in_the_area_of_the_payroll_only(drawn, finance, caseworker_a, caseworker_b):
    visit = drawn[0]
    visits.visit_record(actor=finance, visit=visit, outcome="received_less", note="只收到一半")
    follow_up = Request.objects.get()
    owner, stranger = Client(), Client()
    owner.force_login(caseworker_a)
    stranger.force_login(caseworker_b)
    owner.cookies["django_language"] = "zh-hans"
    listed = owner.get("/citizens/requests/").content.decode()
    assert f'href="/citizens/requests/{follow_up.pk}/"' in listed and "资金未足额到账" in listed
    page = owner.get(f"/citizens/requests/{follow_up.pk}/").content.decode()
    assert f'href="/payments/cycles/{visit.cycle_id}/#visits-h"' in page
    assert "抽查的发放" in page and "收到金额不足" in page and "只收到一半" in page
    assert f"{visit.line.amount_fen / 100:,.2f}" in page
    assert stranger.get(f"/citizens/requests/{follow_up.pk}/").status_code == 404
    assert (
        f"/citizens/requests/{follow_up.pk}/"
        not in stranger.get("/citizens/requests/").content.decode()
    )


def test_it_is_linked_from_the_payroll_page(drawn, finance, caseworker_a):
    visit = drawn[0]
    client = Client()
    client.force_login(finance)
    client.cookies["django_language"] = "zh-hans"
    response = client.post(
        f"/payments/lines/{visit.line_id}/visit/", {"outcome": "not_received", "note": "没收到"}
    )
    follow_up = Request.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert f"跟进单第 {follow_up.pk} 号" in page
    assert f'href="/citizens/requests/{follow_up.pk}/"' not in page  # finance works no requests
    client.force_login(caseworker_a)
    page = client.get(f"/payments/cycles/{visit.cycle_id}/").content.decode()
    assert f'href="/citizens/requests/{follow_up.pk}/"' in page
