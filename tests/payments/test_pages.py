import pytest
from django.test import Client

from huimin.core.models import Job
from huimin.core.services import api_token_create
from huimin.payments import views
from huimin.payments.models import CycleStatus, LineStatus, PayrollCycle
from tests.payments.factories import (
    allocate,
    approver_user,
    finance_user,
    generated_cycle,
    make_entitlement,
)


@pytest.fixture
def finance(regions):
    return finance_user()


def page_client(user, language="en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def test_it_lists_the_payrolls_with_a_fixed_number_of_queries(
    caseworker_a, finance, django_assert_max_num_queries
):
    make_entitlement(caseworker_a)
    for month in ("2026-10-01", "2026-11-01", "2026-12-01"):
        generated_cycle(finance, month=__import__("datetime").date.fromisoformat(month))
    client = page_client(finance)
    with django_assert_max_num_queries(8):
        response = client.get("/payments/")
    assert response.status_code == 200
    assert response.content.decode().count("/payments/cycles/") == 3


def test_it_takes_a_payroll_from_lines_to_approval_on_its_pages(caseworker_a, finance):
    make_entitlement(caseworker_a, status="suspended")
    make_entitlement(caseworker_a)
    allocate(finance)
    client = page_client(finance)
    response = client.post(
        "/payments/", {"region_code": "532901", "month": "2026-12", "programs": ["dibao"]}
    )
    cycle = PayrollCycle.objects.get()
    assert response.url == f"/payments/cycles/{cycle.pk}/"
    client.post(f"/payments/cycles/{cycle.pk}/action/", {"action": "generate"})
    client.post(f"/payments/cycles/{cycle.pk}/action/", {"action": "check"})
    body = client.get(f"/payments/cycles/{cycle.pk}/").content.decode()
    assert "The entitlement is suspended" in body
    assert "Someone other than you must approve this payroll." in body
    exception = cycle.exceptions.get()
    client.post(
        f"/payments/exceptions/{exception.pk}/", {"outcome": "excluded", "reason": "暂停期间"}
    )
    approver = page_client(approver_user(), "zh-hans")
    body = approver.get(f"/payments/cycles/{cycle.pk}/").content.decode()
    assert "批准" in body
    approver.post(f"/payments/cycles/{cycle.pk}/action/", {"action": "approve"})
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.APPROVED
    client.post(
        f"/payments/cycles/{cycle.pk}/action/", {"action": "export", "layout": "rcc_fixed_gbk"}
    )
    download = client.get(f"/payments/cycles/{cycle.pk}/bank-file/")
    assert download.status_code == 200
    assert bytes(cycle.bank_files.get().content) == download.content
    assert cycle.lines.filter(status=LineStatus.SENT).count() == 1


def test_it_generates_a_large_cycle_as_a_job(
    caseworker_a, finance, monkeypatch, django_capture_on_commit_callbacks
):
    make_entitlement(caseworker_a)
    cycle = PayrollCycle.objects.create(
        region_code="532901", month="2026-12-01", programs=["dibao"], prepared_by=finance
    )
    monkeypatch.setattr(views, "INLINE_GENERATE_MAX", 0)
    client = page_client(finance)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/payments/cycles/{cycle.pk}/action/", {"action": "generate"})
    job = Job.objects.get(kind="payments.generate")
    assert job.status == "succeeded"
    assert job.outcome["lines"] == 1
    cycle.refresh_from_db()
    assert cycle.generated and cycle.line_count == 1


def test_it_prints_a_cash_roll_per_village(caseworker_a, finance):
    entitlement = make_entitlement(caseworker_a)
    cycle = generated_cycle(finance)
    cycle.lines.update(channel="cash", status=LineStatus.CASH)
    client = page_client(finance, "zh-hans")
    body = client.get(f"/payments/cycles/{cycle.pk}/cash-roll/").content.decode()
    assert entitlement.household.household_no in body
    assert "按手印" in body
    pdf = client.get(f"/payments/cycles/{cycle.pk}/cash-roll/?format=pdf")
    assert pdf.content.startswith(b"%PDF")


def test_it_shows_the_payment_history_on_the_household_page_and_in_the_api(caseworker_a, finance):
    entitlement = make_entitlement(caseworker_a, monthly_fen=43_210)
    generated_cycle(finance)
    body = (
        page_client(caseworker_a)
        .get(f"/registry/households/{entitlement.household_id}/")
        .content.decode()
    )
    assert "432.10" in body
    token = api_token_create(user=finance, name="t")[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    history = api.get(f"/api/v1/payments/households/{entitlement.household_id}/payments").json()
    assert [(h["month"], h["amount_fen"]) for h in history] == [("2026-12", 43_210)]
    cycles = api.get("/api/v1/payments/cycles").json()
    detail = api.get(f"/api/v1/payments/cycles/{cycles[0]['id']}").json()
    assert detail["lines"][0]["amount_fen"] == 43_210


def test_it_closes_a_reconciled_payroll_from_its_page(caseworker_a, finance):
    from huimin.payments import services
    from tests.payments.flow import LAYOUT, approved_cycle, bank_return

    cycle = approved_cycle(caseworker_a, finance, approver_user(), n=1)
    services.cycle_export(actor=finance, cycle=cycle, layout_key=LAYOUT)
    name, content = bank_return(cycle, {})
    services.return_apply(actor=finance, cycle=cycle, content=content, file_name=name)
    services.cycle_reconcile(actor=finance, cycle=cycle)
    client = page_client(finance, "zh-hans")
    assert "关闭本批发放" in client.get(f"/payments/cycles/{cycle.pk}/").content.decode()
    client.post(f"/payments/cycles/{cycle.pk}/action/", {"action": "close"})
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.CLOSED
    body = client.get(f"/payments/cycles/{cycle.pk}/").content.decode()
    assert "本批发放已关闭，不得再作任何更改。" in body
