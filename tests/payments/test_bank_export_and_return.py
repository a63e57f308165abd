import hashlib

import pytest

from huimin.core.errors import Conflict
from huimin.payments import services
from huimin.payments.banking.returns import ReturnFileRefused
from huimin.payments.models import CycleStatus, LineStatus
from tests.payments.factories import approver_user, finance_user
from tests.payments.flow import LAYOUT, approved_cycle, bank_return


@pytest.fixture
def finance(regions):
    return finance_user()


@pytest.fixture
def cycle(caseworker_a, finance, regions):
    return approved_cycle(caseworker_a, finance, approver_user())


def test_it_records_the_bank_file_and_gives_the_same_bytes_twice(finance, cycle):
    first = services.cycle_export(actor=finance, cycle=cycle, layout_key=LAYOUT)
    again = services.cycle_export(actor=finance, cycle=cycle, layout_key=LAYOUT)
    assert bytes(first.content) == bytes(again.content)
    assert first.sha256 == hashlib.sha256(bytes(first.content)).hexdigest()
    assert first.count == 3
    assert first.total_fen == 40_000 + 40_100 + 40_200
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.EXPORTED
    assert set(cycle.lines.values_list("status", flat=True)) == {LineStatus.SENT}


def test_it_applies_a_clear_return_whole(finance, cycle):
    services.cycle_export(actor=finance, cycle=cycle, layout_key=LAYOUT)
    rejected = cycle.lines.order_by("pk").first()
    name, content = bank_return(cycle, {rejected.pk: ("F", "AC04")})
    record = services.return_apply(actor=finance, cycle=cycle, content=content, file_name=name)
    assert record.counts["paid"] == 2 and record.counts["rejected"] == 1
    rejected.refresh_from_db()
    assert (rejected.status, rejected.reason) == (LineStatus.FAILED, "closed_account")
    assert cycle.lines.filter(status=LineStatus.PAID).count() == 2


def test_it_applies_nothing_when_a_line_is_unclear_unless_asked(finance, cycle):
    services.cycle_export(actor=finance, cycle=cycle, layout_key=LAYOUT)
    missing = cycle.lines.order_by("pk").last()
    name, content = bank_return(cycle, {missing.pk: ("-", "")})
    with pytest.raises(Conflict, match="missing 1"):
        services.return_apply(actor=finance, cycle=cycle, content=content, file_name=name)
    assert not cycle.lines.filter(status=LineStatus.PAID).exists()
    services.return_apply(
        actor=finance, cycle=cycle, content=content, file_name=name, apply="clear"
    )
    assert cycle.lines.filter(status=LineStatus.PAID).count() == 2
    missing.refresh_from_db()
    assert missing.status == LineStatus.SENT  # kept for follow-up


def test_it_refuses_a_return_for_another_cycle(finance, cycle):
    services.cycle_export(actor=finance, cycle=cycle, layout_key=LAYOUT)
    name, content = bank_return(cycle, {})
    with pytest.raises(ReturnFileRefused):
        services.return_apply(
            actor=finance, cycle=cycle, content=content, file_name=name.replace("202612", "202611")
        )


def test_it_reissues_a_failed_line_in_the_next_cycle_or_pays_it_in_cash(finance, cycle):
    import datetime as dt

    services.cycle_export(actor=finance, cycle=cycle, layout_key=LAYOUT)
    first, second, _third = cycle.lines.order_by("pk")
    name, content = bank_return(cycle, {first.pk: ("F", "AC04"), second.pk: ("F", "AC01")})
    services.return_apply(actor=finance, cycle=cycle, content=content, file_name=name)
    services.line_follow_up(actor=finance, line=first, action="reissue", reason="账号已更正")
    services.line_follow_up(actor=finance, line=second, action="cash", reason="无银行网点")
    nxt = services.cycle_create(
        actor=finance, region_code="532901", month=dt.date(2027, 1, 1), programs=["dibao"]
    )
    nxt = services.cycle_generate(actor=finance, cycle=nxt)
    reissued = nxt.lines.get(kind="reissue")
    assert (reissued.reissue_of_id, reissued.month) == (first.pk, first.month)
    assert nxt.line_count == 4  # three for January and the reissue
    second.refresh_from_db()
    assert second.status == LineStatus.CASH


def test_the_cycle_page_names_each_class_of_return_line_in_the_readers_language(finance, cycle):
    from django.test import Client

    services.cycle_export(actor=finance, cycle=cycle, layout_key=LAYOUT)
    rejected = cycle.lines.order_by("pk").first()
    name, content = bank_return(cycle, {rejected.pk: ("F", "AC04")})
    services.return_apply(actor=finance, cycle=cycle, content=content, file_name=name)
    client = Client()
    client.force_login(finance)
    client.cookies["django_language"] = "zh-hans"
    body = client.get(f"/payments/cycles/{cycle.pk}/").content.decode()
    assert "银行退回 1" in body
    assert "rejected 1" not in body and "paid 2" not in body
