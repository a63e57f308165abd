"""The allocations pages: the list with its figures and filters, recording one, one allocation
down to its payrolls, a budget adjustment; in Chinese; 404 outside the jurisdiction."""

import pytest

from huimin.core.models import AuditEvent
from huimin.payments import services
from huimin.payments.models import Allocation
from tests.payments.factories import allocate, finance_user
from tests.payments.test_pages import page_client
from tests.payments.two_payrolls import november_paid


@pytest.fixture
def finance(regions):
    return finance_user()


@pytest.fixture
def november(caseworker_a, finance):
    return november_paid(caseworker_a, finance, allocate(finance, fen=1_000_000))


def test_the_list_shows_each_allocation_with_what_is_committed_and_paid_out(
    november, finance, caseworker_a, django_assert_max_num_queries
):
    for program in ("tekun", "temporary", "old_age"):
        services.allocation_create(
            actor=finance,
            program=program,
            region_code="532901",
            year=2026,
            central_fen=1,
            provincial_fen=2,
            local_fen=3,
        )
    client = page_client(caseworker_a)
    with django_assert_max_num_queries(9):
        body = client.get("/payments/allocations/").content.decode()
    assert body.count("/payments/allocations/") >= 4
    assert "10,000.00" in body  # the total
    assert "1,660.00" in body  # committed: a, b, c, d (e's cash returned)
    assert "1,240.00" in body  # paid out: a, b by the bank, d in cash
    assert "8,340.00" in body  # remaining


def test_the_list_filters_by_year_and_program(november, caseworker_a):
    client = page_client(caseworker_a)
    link = f"/payments/allocations/{november.allocation.pk}/"
    assert link in client.get("/payments/allocations/?year=2026&program=dibao").content.decode()
    assert link not in client.get("/payments/allocations/?year=2025").content.decode()
    assert link not in client.get("/payments/allocations/?program=tekun").content.decode()
    body = client.get("/payments/allocations/?year=twenty").content.decode()
    assert "Give the year as four digits" in body
    assert link in body  # the bad filter is named and left out


def test_a_finance_officer_records_an_allocation_in_yuan(finance):
    client = page_client(finance)
    response = client.post(
        "/payments/allocations/",
        {
            "program": "tekun",
            "region_code": "532901",
            "year": "2026",
            "central_fen": "6,000",
            "provincial_fen": "3000.50",
            "local_fen": "",
        },
    )
    allocation = Allocation.objects.get()
    assert response.url == f"/payments/allocations/{allocation.pk}/"
    assert (allocation.central_fen, allocation.provincial_fen, allocation.local_fen) == (
        600_000,
        300_050,
        0,
    )
    assert AuditEvent.objects.filter(action="payments.allocation_create").count() == 1


def test_it_refuses_an_allocation_outside_the_area_or_without_the_permission(finance, caseworker_a):
    outside = {"program": "dibao", "region_code": "532922", "year": "2026", "central_fen": "1"}
    body = page_client(finance).post("/payments/allocations/", outside, follow=True)
    assert "Choose a region in your area." in body.content.decode()
    inside = {**outside, "region_code": "532901"}
    body = page_client(caseworker_a).post("/payments/allocations/", inside, follow=True)
    assert "You may not do this." in body.content.decode()
    bad = {**inside, "central_fen": "-5"}
    body = page_client(finance).post("/payments/allocations/", bad, follow=True)
    assert "A share cannot be below zero." in body.content.decode()
    assert not Allocation.objects.exists()


def test_the_allocation_page_lists_the_payrolls_drawing_on_it(november, caseworker_a):
    body = page_client(caseworker_a).get(f"/payments/allocations/{november.allocation.pk}/")
    text = body.content.decode()
    assert f"/payments/cycles/{november.november.pk}/" in text
    assert "2,100.00" in text  # November's lines to pay
    assert "1,660.00" in text and "1,240.00" in text
    assert "Adjust the allocation" not in text  # a caseworker reads; finance adjusts


def test_a_budget_adjustment_is_audited_with_old_and_new_shares_and_the_reason(november, finance):
    client = page_client(finance)
    url = f"/payments/allocations/{november.allocation.pk}/adjust/"
    refused = client.post(url, {"central_fen": "12,000", "reason": " "}, follow=True)
    assert "Give the reason for the adjustment." in refused.content.decode()
    client.post(url, {"central_fen": "12,000", "reason": "追加预算 州财社〔2026〕12号"})
    allocation = Allocation.objects.get()
    assert allocation.central_fen == 1_200_000
    event = AuditEvent.objects.get(action="payments.allocation_adjust")
    assert event.changes["central_fen"] == [1_000_000, 1_200_000]
    assert event.changes["total_fen"] == [1_000_000, 1_200_000]
    assert event.changes["committed_fen"] == 166_000
    assert event.changes["reason"] == "追加预算 州财社〔2026〕12号"
    body = client.get(f"/payments/allocations/{allocation.pk}/").content.decode()
    assert "州财社〔2026〕12号" in body
    same = client.post(
        url, {"central_fen": "12,000", "reason": "再次"}, follow=True
    ).content.decode()
    assert "The shares are the same as before." in same
    assert AuditEvent.objects.filter(action="payments.allocation_adjust").count() == 1


def test_a_stranger_gets_404_and_sees_none_of_the_allocations(november, caseworker_b):
    client = page_client(caseworker_b)
    pk = november.allocation.pk
    assert client.get(f"/payments/allocations/{pk}/").status_code == 404
    assert client.post(f"/payments/allocations/{pk}/adjust/", {"reason": "x"}).status_code == 404
    assert (
        f"/payments/allocations/{pk}/" not in client.get("/payments/allocations/").content.decode()
    )


def test_the_payrolls_link_to_the_allocations_and_the_ledger(november, caseworker_a):
    client = page_client(caseworker_a)
    index = client.get("/payments/").content.decode()
    assert 'href="/payments/allocations/"' in index and 'href="/payments/ledger/"' in index
    cycle = client.get(f"/payments/cycles/{november.november.pk}/").content.decode()
    assert f'href="/payments/allocations/{november.allocation.pk}/"' in cycle


def test_the_cycle_page_traces_each_line_to_its_bank_file_return_and_receipt(
    november, caseworker_a
):
    body = page_client(caseworker_a).get(f"/payments/cycles/{november.november.pk}/")
    text = body.content.decode()
    assert november.november.bank_files.get().name in text
    assert "The bank refused it" in text and "Followed up: 账户已更正" in text  # c
    assert "Confirmed paid by the bank" in text  # a and b
    assert "Cash handed over on 2026-11-08 (Thumbprint, witness 村委会李主任)" in text


@pytest.mark.parametrize(
    "page", ["/payments/allocations/", "allocation", "/payments/ledger/?region=532901&year=2026"]
)
def test_the_funds_pages_are_in_chinese(november, finance, page):
    url = f"/payments/allocations/{november.allocation.pk}/" if page == "allocation" else page
    text = page_client(finance, "zh-hans").get(url).content.decode()
    assert "资金安排" in text
    for english in ("Committed", "Paid out", "Remaining", "Payrolls", "Ledger", "Year", "Total"):
        assert english not in text, english
