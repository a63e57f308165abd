"""GET /api/v1/payments/allocations and /allocations/{id}: the figures of the pages, filters,
pages, 404 outside the jurisdiction and a 4xx naming a bad query parameter."""

import pytest
from django.test import Client

from huimin.core.services import api_token_create
from huimin.payments import services
from tests.payments.factories import allocate, finance_user
from tests.payments.two_payrolls import december_approved, november_paid

URL = "/api/v1/payments/allocations"


@pytest.fixture
def finance(regions):
    return finance_user()


@pytest.fixture
def two_payrolls(caseworker_a, finance):
    return december_approved(
        finance, november_paid(caseworker_a, finance, allocate(finance, fen=1_000_000))
    )


def api(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=user, name='t')[1]}")


def test_it_lists_the_allocations_with_their_figures(
    two_payrolls, caseworker_a, finance, django_assert_max_num_queries
):
    for program in ("tekun", "old_age", "orphan"):  # more allocations, no more queries
        services.allocation_create(
            actor=finance,
            program=program,
            region_code="532901",
            year=2026,
            central_fen=1,
            provincial_fen=0,
            local_fen=0,
        )
    client = api(caseworker_a)
    with django_assert_max_num_queries(7):
        found = client.get(URL).json()
    assert len(found) == 4
    assert found[:1] == [
        {
            "id": two_payrolls.allocation.pk,
            "program": "dibao",
            "region_code": "532901",
            "year": 2026,
            "central_fen": 1_000_000,
            "provincial_fen": 0,
            "local_fen": 0,
            "total_fen": 1_000_000,
            "committed_fen": 289_000,
            "disbursed_fen": 124_000,
            "remaining_fen": 711_000,
        }
    ]


def test_it_filters_and_pages(two_payrolls, caseworker_a, finance):
    services.allocation_create(
        actor=finance,
        program="tekun",
        region_code="532901001",
        year=2025,
        central_fen=5,
        provincial_fen=0,
        local_fen=0,
    )
    client = api(caseworker_a)
    assert [a["program"] for a in client.get(URL).json()] == ["dibao", "tekun"]
    assert [a["year"] for a in client.get(URL, {"year": 2025}).json()] == [2025]
    assert [a["program"] for a in client.get(URL, {"program": "dibao"}).json()] == ["dibao"]
    assert [a["region_code"] for a in client.get(URL, {"region": "532901001"}).json()] == [
        "532901001"
    ]
    assert client.get(URL, {"page": 2}).json() == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"year": "1999"}, "year"),
        ({"year": "twenty"}, "year"),
        ({"program": "lottery"}, "program"),
        ({"region": "53290"}, "region"),
        ({"page": "0"}, "page"),
    ],
)
def test_a_bad_query_parameter_is_named(caseworker_a, query, field):
    response = api(caseworker_a).get(URL, query)
    assert response.status_code == 422
    assert response.json()["field"] == field


def test_one_allocation_with_the_payrolls_drawing_on_it(two_payrolls, caseworker_a):
    found = api(caseworker_a).get(f"{URL}/{two_payrolls.allocation.pk}").json()
    assert (found["committed_fen"], found["disbursed_fen"]) == (289_000, 124_000)
    assert [
        (c["id"], c["lines"], c["to_pay_fen"], c["committed_fen"], c["disbursed_fen"])
        for c in found["cycles"]
    ] == [
        (two_payrolls.december.pk, 6, 165_000, 165_000, 0),
        (two_payrolls.november.pk, 5, 210_000, 124_000, 124_000),
    ]


def test_outside_the_jurisdiction_an_allocation_is_404(two_payrolls, caseworker_b, nobody):
    response = api(caseworker_b).get(f"{URL}/{two_payrolls.allocation.pk}")
    assert response.status_code == 404
    assert api(caseworker_b).get(URL).json() == []
    assert api(nobody).get(URL).status_code == 403  # no role that may see the funds
