"""PostgreSQL makes a month's regular lines in one statement: the very lines Python makes."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from huimin.casework.models import Entitlement
from huimin.payments import services
from huimin.payments.lines_bulk import (
    LINE_COLUMNS,
    authorizations_valid,
    entitlement_rows,
    payee_of,
    regular_line_rows,
)
from huimin.payments.queries import ledger_verify
from tests.payments.factories import MONTH, finance_user, make_entitlement
from tests.payments.test_who_collects import authorize
from tests.payments.test_who_collects import payee_of as head_of

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the statement is PostgreSQL's"
)


@pytest.fixture
def finance(regions):
    return finance_user()


def test_each_line_and_seal_is_the_one_python_makes(caseworker_a, finance):
    plain = make_entitlement(caseworker_a, review_due=dt.date(2027, 5, 1))
    made = [
        plain,
        make_entitlement(caseworker_a, monthly_fen=0, category="B"),
        make_entitlement(
            caseworker_a,
            snapshot={"说明": "差额\n“补助”", "rates": [0.5, 1e-05, 2.0], "": {"zz": 1, "a": 2}},
        ),
    ]
    member = make_entitlement(caseworker_a, program="tekun")
    member.person = head_of(member)
    member.save(update_fields=["person"])
    made.append(member)
    proxied = make_entitlement(caseworker_a)
    authorize(caseworker_a, head_of(proxied), kind="guardian", valid_until=None)
    authorize(
        caseworker_a, head_of(proxied), collector_name="李强", valid_from=dt.date(2026, 12, 1)
    )
    made.append(proxied)

    cycle = services.cycle_create(
        actor=finance, region_code="532901", month=MONTH, programs=["dibao", "tekun"]
    )
    cycle = services.cycle_generate(actor=finance, cycle=cycle)
    rows = entitlement_rows(Entitlement.objects.filter(pk__in=[e.pk for e in made]))
    expected = regular_line_rows(
        cycle_id=cycle.pk,
        month=MONTH,
        rows=rows,
        now=timezone.now(),
        authorizations=authorizations_valid({payee_of(row) for row in rows}, MONTH),
    )
    columns = [c for c in LINE_COLUMNS if c not in ("created_at", "frozen")]
    written = {
        line["entitlement_id"]: line
        for line in cycle.lines.values(*columns, "frozen").order_by("pk")
    }
    assert len(written) == len(expected) == 5
    for line in expected:
        values = dict(zip(LINE_COLUMNS, line, strict=True))
        row = written[values["entitlement_id"]]
        assert {c: row[c] for c in columns} == {c: values[c] for c in columns}
    assert written[proxied.pk]["collector"] == "李强"
    assert list(written) == sorted(written)  # made in the entitlements' order
    assert ledger_verify().balanced
