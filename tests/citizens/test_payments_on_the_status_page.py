"""The status page lists the payments made to the citizen's own household (month, program,
amount, channel, paid / failed / returned) and the texts sent to them; never another's."""

import datetime as dt

import pytest

from huimin.payments import services as payments
from tests.citizens.helpers import sent_texts, signed_in_client
from tests.payments.factories import approver_user, finance_user, generated_cycle
from tests.payments.flow import LAYOUT, approved_cycle, bank_return

PHONES = {"paid": "13800008001", "failed": "13800008002", "returned": "13800008003"}


def section(page: str, name: str) -> str:
    start = page.index(f'id="{name}"')
    end = page.find("</section>", start)
    return page[start:end]


@pytest.fixture
def three_families(caseworker_a, settings, tmp_path):
    """Three households of one payroll: one paid, one refused by the bank, one sent back."""
    from huimin.citizens.services import citizen_account_link

    settings.VAR_DIR = tmp_path / "var"
    finance, approver = finance_user(), approver_user()
    cycle = approved_cycle(caseworker_a, finance, approver, n=3)
    lines = dict(zip(("paid", "failed", "returned"), cycle.lines.order_by("pk"), strict=True))
    clients = {}
    for key, line in lines.items():
        clients[key] = signed_in_client(PHONES[key])
        head = line.household.members.get(relation="head")
        citizen_account_link(actor=caseworker_a, phone=PHONES[key], id_number=head.id_number)
    payments.cycle_export(actor=finance, cycle=cycle, layout_key=LAYOUT)
    outcomes = {lines["failed"].pk: ("F", "AC04"), lines["returned"].pk: ("R", "RR01")}
    name, content = bank_return(cycle, outcomes)
    with sent_texts():
        payments.return_apply(actor=finance, cycle=cycle, content=content, file_name=name)
    generated_cycle(finance, month=dt.date(2027, 1, 1))  # a draft: its lines may still change
    return clients, lines, finance


def test_each_family_sees_its_own_payment_and_its_status(three_families):
    clients, lines, _finance = three_families
    words = {"paid": "已到账", "failed": "未到账", "returned": "被银行退回"}
    for key, client in clients.items():
        page = client.get("/portal/me/").content.decode()
        shown = section(page, "payments")
        own = lines[key]
        assert "2026-12" in shown and "最低生活保障" in shown and "银行" in shown
        assert f"{own.amount_fen // 100}.00" in shown
        assert words[key] in shown
        assert "2027-01" not in shown, "a draft payroll's line is not shown"
        for other_key, other in lines.items():
            if other_key != key:
                assert f"{other.amount_fen // 100}.00" not in shown, f"{key} sees {other_key}"
    failed = section(clients["failed"].get("/portal/me/").content.decode(), "payments")
    assert "账户已销户" in failed


def test_each_family_sees_only_the_texts_sent_to_it(three_families):
    clients, lines, _finance = three_families
    tails = {key: line.household.bank_account[-4:] for key, line in lines.items()}
    failed_page = section(clients["failed"].get("/portal/me/").content.decode(), "notices")
    assert f"尾号{tails['failed']}" in failed_page and "款项未到账" in failed_page
    assert f"尾号{tails['returned']}" not in failed_page
    paid_page = section(clients["paid"].get("/portal/me/").content.decode(), "notices")
    assert "尾号" not in paid_page
    returned_page = section(clients["returned"].get("/portal/me/").content.decode(), "notices")
    assert f"尾号{tails['returned']}" in returned_page
    assert f"尾号{tails['failed']}" not in returned_page


def test_a_failed_payment_to_be_reissued_says_so(three_families):
    clients, lines, finance = three_families
    payments.line_follow_up(
        actor=finance, line=lines["failed"], action="reissue", reason="账户已更正"
    )
    shown = section(clients["failed"].get("/portal/me/").content.decode(), "payments")
    assert "未到账" in shown and "重新发放" in shown


def test_an_unconfirmed_account_sees_no_payment(three_families, db):
    stranger = signed_in_client("13800008999")
    page = stranger.get("/portal/me/").content.decode()
    assert 'id="payments"' not in page and "2026-12" not in page


def test_the_page_reads_in_english(three_families):
    clients, _lines, _finance = three_families
    clients["returned"].cookies.load({"django_language": "en"})
    page = clients["returned"].get("/portal/me/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    shown = section(page, "payments")
    assert "Payments received" in page and "returned by the bank" in shown


ME_PAGE_QUERIES = 8  # session, account, applications, steps, entitlements, payments, texts…


def test_the_page_reads_payments_and_texts_in_a_fixed_number_of_queries(
    three_families, django_assert_max_num_queries
):
    clients, lines, finance = three_families
    with django_assert_max_num_queries(ME_PAGE_QUERIES):
        clients["failed"].get("/portal/me/")
    payments.line_follow_up(
        actor=finance, line=lines["failed"], action="reissue", reason="账户已更正"
    )
    generated = generated_cycle(finance, month=dt.date(2026, 11, 1))  # the 2026 allocation
    payments.cycle_check(actor=finance, cycle=generated)
    payments.cycle_approve(actor=approver_user("payroll_approver_b"), cycle=generated)
    with django_assert_max_num_queries(ME_PAGE_QUERIES):
        page = clients["failed"].get("/portal/me/").content.decode()
    # December failed, November, and the reissue of December carried into that payroll
    assert section(page, "payments").count("<tr class=") == 3
