"""The ledger page: a region's payrolls over a year or months, where every fen went, the totals,
and the ledger check naming what does not balance; 404 for a region outside the jurisdiction."""

import pytest
from django.db import connection

from tests.payments.factories import allocate, finance_user
from tests.payments.test_pages import page_client
from tests.payments.two_payrolls import december_approved, november_paid

URL = "/payments/ledger/?region=532901&year=2026"


@pytest.fixture
def finance(regions):
    return finance_user()


@pytest.fixture
def two_payrolls(caseworker_a, finance):
    return december_approved(
        finance, november_paid(caseworker_a, finance, allocate(finance, fen=1_000_000))
    )


def test_it_shows_each_payroll_and_the_totals(
    two_payrolls, caseworker_a, django_assert_max_num_queries
):
    client = page_client(caseworker_a)
    # a fixed number however many payrolls: the ledger check adds the recovery instalments (2)
    with django_assert_max_num_queries(16):
        text = client.get(URL).content.decode()
    for cycle in (two_payrolls.november, two_payrolls.december):
        assert f'href="/payments/cycles/{cycle.pk}/"' in text
    assert "2,100.00" in text and "2,520.00" in text  # each payroll's total
    assert "4,620.00" in text  # and both
    assert "440.00" in text  # e's cash returned to the fund
    assert "Balanced: 2 payrolls, 11 lines checked against their records." in text
    assert "does not balance" not in text


def test_it_names_a_line_altered_behind_its_back(two_payrolls, caseworker_a):
    tampered = two_payrolls.lines["a"]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE payments_paymentline SET amount_fen = amount_fen + 100 WHERE id = %s",
            [tampered.pk],
        )
    text = page_client(caseworker_a).get(URL).content.decode()
    assert "does not balance" in text
    assert f"line {tampered.pk} of cycle {two_payrolls.november.pk} " in text
    assert "does not match its frozen record" in text
    assert "lines hold 5 lines and 210100 fen, the cycle recorded 5 and 210000" in text
    chinese = page_client(caseworker_a, "zh-hans").get(URL).content.decode()
    assert f"第 {tampered.pk} 行" in chinese and "不平衡" in chinese


def test_a_month_range_shows_only_its_payrolls(two_payrolls, caseworker_a):
    client = page_client(caseworker_a)
    text = client.get("/payments/ledger/?region=532901&from=2026-12&to=2026-12").content.decode()
    assert f"/payments/cycles/{two_payrolls.december.pk}/" in text
    assert f"/payments/cycles/{two_payrolls.november.pk}/" not in text
    backwards = client.get("/payments/ledger/?region=532901&from=2026-12&to=2026-01")
    assert "The last month comes before the first." in backwards.content.decode()
    too_long = client.get("/payments/ledger/?region=532901&from=2024-01&to=2026-12")
    assert "Ask for 24 months at most." in too_long.content.decode()
    bad = client.get("/payments/ledger/?region=532901&from=12/2026")
    assert bad.status_code == 200 and "Give the month as YYYY-MM." in bad.content.decode()


def test_a_region_outside_the_jurisdiction_is_404(two_payrolls, caseworker_b):
    client = page_client(caseworker_b)
    assert client.get(URL).status_code == 404
    own = client.get("/payments/ledger/?year=2026").content.decode()  # their own county
    assert "532922" in own
    assert f"/payments/cycles/{two_payrolls.november.pk}/" not in own
