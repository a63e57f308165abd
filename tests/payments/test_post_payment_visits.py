"""Post-payment verification (抽查回访): a reproducible sample of paid lines, each call recorded."""

import pytest
from django.test import Client

from huimin.core.errors import Conflict, ValidationFailed
from huimin.core.models import AuditEvent
from huimin.payments import services, visits
from huimin.payments.models import PaymentVisit
from huimin.payments.sampling import sample_size, wilson_interval
from tests.payments.factories import approver_user, finance_user
from tests.payments.flow import LAYOUT, approved_cycle, bank_return


@pytest.fixture
def finance(regions):
    return finance_user()


def paid_cycle(caseworker, finance, n=10):
    cycle = approved_cycle(caseworker, finance, approver_user(), n=n)
    services.cycle_export(actor=finance, cycle=cycle, layout_key=LAYOUT)
    name, content = bank_return(cycle, {})
    services.return_apply(actor=finance, cycle=cycle, content=content, file_name=name)
    cycle.refresh_from_db()
    return cycle


def test_it_draws_a_fixed_share_of_the_paid_lines_once_and_reproducibly(caseworker_a, finance):
    cycle = paid_cycle(caseworker_a, finance)
    drawn = visits.visits_draw(actor=finance, cycle=cycle, share=0.3)
    assert len(drawn) == 3
    first = sorted(v.line_id for v in drawn)
    with pytest.raises(Conflict):
        visits.visits_draw(actor=finance, cycle=cycle, share=0.3)
    PaymentVisit.objects.all().delete()
    again = visits.visits_draw(actor=finance, cycle=cycle, share=0.3)
    assert sorted(v.line_id for v in again) == first  # the seed is the payroll's
    event = AuditEvent.objects.filter(action="payments.visits_draw").latest("pk")
    assert event.changes["paid"] == 10 and event.changes["sampled"] == 3


def test_it_sizes_the_sample_by_confidence_and_margin(caseworker_a, finance):
    cycle = paid_cycle(caseworker_a, finance, n=12)
    drawn = visits.visits_draw(actor=finance, cycle=cycle, confidence=0.9, margin=0.2)
    assert len(drawn) == sample_size(12, confidence=0.9, margin=0.2) < 12


def test_it_draws_only_once_the_lines_are_paid(caseworker_a, finance):
    cycle = approved_cycle(caseworker_a, finance, approver_user(), n=2)
    with pytest.raises(Conflict):
        visits.visits_draw(actor=finance, cycle=cycle)
    assert not PaymentVisit.objects.exists()


def test_it_estimates_the_share_of_problems_among_those_reached(caseworker_a, finance):
    cycle = paid_cycle(caseworker_a, finance, n=4)
    full, less, gone, unreached = visits.visits_draw(actor=finance, cycle=cycle, share=1.0)
    with pytest.raises(ValidationFailed):
        visits.visit_record(actor=finance, visit=full, outcome="maybe", note="")
    with pytest.raises(ValidationFailed):
        visits.visit_record(actor=finance, visit=less, outcome="received_less", note=" ")
    visits.visit_record(actor=finance, visit=full, outcome="received_full", note="")
    visits.visit_record(actor=finance, visit=less, outcome="received_less", note="只收到 200 元")
    visits.visit_record(actor=finance, visit=unreached, outcome="unreachable", note="")
    summary = visits.visits_summary(cycle)
    assert (summary.drawn, summary.recorded, summary.reached, summary.problems) == (4, 3, 2, 1)
    assert summary.estimate == wilson_interval(1, 2)
    assert AuditEvent.objects.filter(action="payments.visit_record").count() == 3


def test_it_draws_and_records_on_the_payroll_page_in_chinese(caseworker_a, finance):
    cycle = paid_cycle(caseworker_a, finance, n=3)
    client = Client()
    client.force_login(finance)
    client.cookies["django_language"] = "zh-hans"
    page = client.get(f"/payments/cycles/{cycle.pk}/").content.decode()
    assert "置信水平（%）" in page and "抽取样本" in page
    client.post(f"/payments/cycles/{cycle.pk}/sample/", {"design": "share", "share": "abc"})
    assert not PaymentVisit.objects.exists()
    client.post(f"/payments/cycles/{cycle.pk}/sample/", {"design": "share", "share": "100"})
    assert not PaymentVisit.objects.exists()  # 100 % is not below 100
    client.post(f"/payments/cycles/{cycle.pk}/sample/", {"design": "share", "share": "50"})
    visit = PaymentVisit.objects.order_by("pk").first()
    assert PaymentVisit.objects.count() == 2
    client.post(
        f"/payments/lines/{visit.line_id}/visit/", {"outcome": "not_received", "note": "没收到"}
    )
    page = client.get(f"/payments/cycles/{cycle.pk}/").content.decode()
    assert "未收到: 没收到" in page
    assert "估计问题发放比例：100.0%" in page
