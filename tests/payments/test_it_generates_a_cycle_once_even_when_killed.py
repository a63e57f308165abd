import pytest

from huimin.core.errors import Conflict
from huimin.payments import services
from huimin.payments.models import PaymentLine
from tests.payments.factories import MONTH, finance_user, make_entitlement


@pytest.fixture
def finance(regions):
    return finance_user()


def test_it_makes_one_line_per_active_entitlement(caseworker_a, finance):
    made = [make_entitlement(caseworker_a, monthly_fen=10_000 * (i + 1)) for i in range(3)]
    make_entitlement(caseworker_a, status="ended")
    cycle = services.cycle_create(
        actor=finance, region_code="532901", month=MONTH, programs=["dibao"]
    )
    cycle = services.cycle_generate(actor=finance, cycle=cycle, chunk_size=2)
    assert cycle.line_count == 3
    assert cycle.total_fen == 60_000
    lines = list(cycle.lines.order_by("entitlement_id"))
    assert [line.entitlement_id for line in lines] == [e.pk for e in made]
    assert lines[0].frozen["snapshot"]["parameters"] == {"standard": 80000}


def test_it_ends_with_the_same_lines_after_dying_in_the_middle(caseworker_a, finance, monkeypatch):
    for i in range(5):
        make_entitlement(caseworker_a, monthly_fen=1_000 + i)
    cycle = services.cycle_create(
        actor=finance, region_code="532901", month=MONTH, programs=["dibao"]
    )
    real = services._chunk_write
    calls = {"n": 0}

    def dying(cycle, chunk, ids):
        calls["n"] += 1
        written = real(cycle, chunk, ids)  # the chunk's lines are written, then the worker dies
        if calls["n"] == 2:
            raise RuntimeError("the worker was killed")
        return written

    monkeypatch.setattr(services, "_chunk_write", dying)
    with pytest.raises(RuntimeError):
        services.cycle_generate(actor=finance, cycle=cycle, chunk_size=2)
    assert PaymentLine.objects.filter(cycle=cycle).count() == 2  # the first chunk stayed
    monkeypatch.setattr(services, "_chunk_write", real)
    cycle.refresh_from_db()
    resumed = services.cycle_generate(actor=finance, cycle=cycle, chunk_size=2)
    again = services.cycle_generate(actor=finance, cycle=resumed, chunk_size=3)
    assert again.line_count == 5
    assert again.total_fen == sum(1_000 + i for i in range(5))
    assert (
        PaymentLine.objects.filter(cycle=cycle).values("entitlement_id", "month").distinct().count()
        == 5
    )


def test_it_refuses_a_second_monthly_cycle_for_the_region(finance):
    services.cycle_create(actor=finance, region_code="532901", month=MONTH, programs=["dibao"])
    with pytest.raises(Conflict):
        services.cycle_create(actor=finance, region_code="532901", month=MONTH, programs=["dibao"])
