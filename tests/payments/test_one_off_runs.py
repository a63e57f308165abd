import datetime as dt

import pytest

from huimin.core.errors import Conflict
from huimin.payments import services
from huimin.payments.models import PaymentLine
from tests.payments.factories import MONTH, finance_user
from tests.registry.factories import make_household


@pytest.fixture
def finance(regions):
    return finance_user()


def test_it_never_pays_a_person_twice_for_one_purpose(caseworker_a, finance):
    people = [make_household(caseworker_a).members.get(relation="head") for _ in range(2)]
    run = services.one_off_cycle_create(
        actor=finance,
        region_code="532901",
        month=MONTH,
        program="temporary",
        purpose="2027春节慰问",
    )
    run = services.one_off_lines_add(
        actor=finance, cycle=run, amounts_fen={p.pk: 20_000 for p in people}
    )
    run = services.one_off_lines_add(actor=finance, cycle=run, amounts_fen={people[0].pk: 20_000})
    assert (run.line_count, run.total_fen) == (2, 40_000)
    later = services.one_off_cycle_create(
        actor=finance,
        region_code="532901",
        month=dt.date(2027, 1, 1),
        program="temporary",
        purpose="2027春节慰问",
    )
    later = services.one_off_lines_add(
        actor=finance, cycle=later, amounts_fen={people[1].pk: 30_000}
    )
    assert later.line_count == 0
    assert PaymentLine.objects.filter(payee=people[1], purpose_key="2027春节慰问").count() == 1


def test_it_refuses_a_second_run_for_the_same_purpose_and_month(finance):
    services.one_off_cycle_create(
        actor=finance, region_code="532901", month=MONTH, program="temporary", purpose="价格补贴"
    )
    with pytest.raises(Conflict):
        services.one_off_cycle_create(
            actor=finance,
            region_code="532901",
            month=MONTH,
            program="temporary",
            purpose="价格补贴",
        )
