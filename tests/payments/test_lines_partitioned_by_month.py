"""Payment lines are partitioned by month on PostgreSQL (migration 0012), and the keys the models
declare still hold there: one reissue per line, one one-off payment per person and purpose in any
month, every row that points at a line pointing at one that exists."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from huimin.payments import services
from huimin.payments.lines_bulk import month_partition_ensure
from huimin.payments.models import LineKind, PaymentException, PaymentLine, PayrollCycle
from huimin.payments.services import line_hash
from tests.conftest import requires_postgres
from tests.payments.factories import MONTH, finance_user, generated_cycle, make_entitlement

pytestmark = pytest.mark.django_db
NEXT_MONTH = dt.date(2027, 1, 1)


@pytest.fixture
def finance(regions):
    return finance_user()


def _partitions_of(cycle: PayrollCycle) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT tableoid::regclass::text FROM payments_paymentline WHERE cycle_id = %s",
            [cycle.pk],
        )
        return {name for (name,) in cursor.fetchall()}


def _copy_of(line: PaymentLine, **changes: object) -> PaymentLine:
    copy = PaymentLine(
        **{
            field.attname: getattr(line, field.attname)
            for field in PaymentLine._meta.concrete_fields
            if not field.primary_key
        }
    )
    for name, value in changes.items():
        setattr(copy, name, value)
    copy.frozen_hash = line_hash(copy)
    return copy


def _refused(line: PaymentLine) -> bool:
    """Whether the database refuses the line, foreign keys included (checked at once, not at
    the commit a test never reaches)."""
    deferrable = connection.vendor == "postgresql"
    try:
        with transaction.atomic():
            if deferrable:
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            line.save()
    except IntegrityError:
        return True
    finally:
        if deferrable:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return False


def _one_off_run(finance, month: dt.date, person_pk: int) -> PayrollCycle:
    run = services.one_off_cycle_create(
        actor=finance,
        region_code="532901",
        month=month,
        program="temporary",
        purpose="2027春节慰问",
    )
    return services.one_off_lines_add(actor=finance, cycle=run, amounts_fen={person_pk: 20_000})


@requires_postgres
def test_a_payrolls_lines_are_in_its_months_partition(caseworker_a, finance):
    make_entitlement(caseworker_a)
    make_entitlement(caseworker_a)
    cycle = generated_cycle(finance)
    assert cycle.line_count == 2
    assert _partitions_of(cycle) == {"payments_paymentline_2026_12"}


@requires_postgres
def test_a_query_of_one_month_reads_only_that_months_partition(caseworker_a, finance):
    make_entitlement(caseworker_a)
    generated_cycle(finance)
    month_partition_ensure(NEXT_MONTH)
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN SELECT count(*) FROM payments_paymentline WHERE month = %s", [MONTH]
        )
        plan = "\n".join(row for (row,) in cursor.fetchall())
    assert "payments_paymentline_2026_12" in plan
    assert "payments_paymentline_2027_01" not in plan
    assert "payments_paymentline_default" not in plan


@requires_postgres
def test_a_month_without_a_partition_goes_to_the_default_one_and_stays_there(caseworker_a, finance):
    make_entitlement(caseworker_a)
    line = generated_cycle(finance).lines.get()
    earlier = dt.date(2025, 3, 1)
    _copy_of(line, month=earlier).save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT huimin_payment_lines_partition(%s)", [earlier])
        assert cursor.fetchone() == ("payments_paymentline_default",)
        cursor.execute(
            "SELECT tableoid::regclass::text FROM payments_paymentline WHERE month = %s", [earlier]
        )
        assert cursor.fetchall() == [("payments_paymentline_default",)]


def test_a_line_cannot_be_reissued_twice(caseworker_a, finance):
    make_entitlement(caseworker_a)
    line = generated_cycle(finance).lines.get()
    later = services.cycle_create(
        actor=finance, region_code="532901", month=NEXT_MONTH, programs=["dibao"]
    )
    reissue = dict(cycle=later, kind=LineKind.REISSUE, reissue_of=line)
    assert not _refused(_copy_of(line, **reissue))
    assert _refused(_copy_of(line, **reissue))


@requires_postgres
def test_a_reissue_pays_its_lines_month(caseworker_a, finance):
    make_entitlement(caseworker_a)
    line = generated_cycle(finance).lines.get()
    assert _refused(_copy_of(line, kind=LineKind.REISSUE, reissue_of=line, month=NEXT_MONTH))


def test_a_one_off_line_written_past_the_service_cannot_pay_a_person_twice(caseworker_a, finance):
    make_entitlement(caseworker_a)
    paid = _one_off_run(finance, MONTH, generated_cycle(finance).lines.get().payee_id)
    (line,) = paid.lines.all()
    another_month = services.one_off_cycle_create(
        actor=finance, region_code="532901", month=NEXT_MONTH, program="temporary", purpose="x"
    )
    assert _refused(_copy_of(line, cycle=another_month, month=NEXT_MONTH))
    assert _refused(_copy_of(line))  # the same run again


@requires_postgres
def test_a_one_off_line_needs_its_payrolls_claim(caseworker_a, finance):
    make_entitlement(caseworker_a)
    line = generated_cycle(finance).lines.get()
    run = services.one_off_cycle_create(
        actor=finance, region_code="532901", month=MONTH, program="temporary", purpose="价格补贴"
    )
    assert _refused(_copy_of(line, cycle=run, kind=LineKind.ONE_OFF, purpose_key="价格补贴"))
    assert not run.lines.exists()


@requires_postgres
def test_a_row_pointing_at_a_line_carries_its_month_and_needs_the_line(caseworker_a, finance):
    make_entitlement(caseworker_a)
    cycle = generated_cycle(finance)
    line = cycle.lines.get()
    exception = PaymentException.objects.create(cycle=cycle, line=line, kind="dead", detail="")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT line_month FROM payments_paymentexception WHERE id = %s", [exception.pk]
        )
        assert cursor.fetchone() == (MONTH,)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentException.objects.create(cycle=cycle, line_id=line.pk + 1000, kind="dead")
