"""Who collects: a proxy (代领) or a guardian named on the line, checked before payment."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection

from huimin.core.errors import NotAllowed, ValidationFailed
from huimin.payments import services
from huimin.payments.models import (
    CashReceipt,
    CollectionAuthorization,
    ExceptionKind,
    LineStatus,
    PaymentException,
)
from huimin.registry.models import Person
from tests.payments.factories import (
    allocate,
    approver_user,
    finance_user,
    generated_cycle,
    make_entitlement,
)
from tests.payments.flow import LAYOUT
from tests.payments.test_it_returns_cash_not_handed_over import cash_line
from tests.payments.test_pages import page_client
from tests.registry.factories import make_id

COLLECTOR_ID = make_id(dt.date(1975, 2, 3), "F")


@pytest.fixture
def finance(regions):
    return finance_user()


def authorize(actor, payee: Person, **fields: object) -> CollectionAuthorization:
    values: dict[str, object] = {
        "collector_name": "王芳",
        "collector_id_number": COLLECTOR_ID,
        "relation": "女儿",
        "kind": "proxy",
        "document_ref": "委托书 2026-031",
        "valid_from": dt.date(2026, 11, 1),
        "valid_until": dt.date(2027, 10, 31),
    }
    values.update(fields)
    return services.authorization_record(actor=actor, payee=payee, **values)  # type: ignore[arg-type]


def payee_of(entitlement) -> Person:
    return entitlement.household.members.get(relation="head")


def test_the_line_names_the_collector_valid_on_the_pay_month_and_still_verifies(
    caseworker_a, finance
):
    entitlement = make_entitlement(caseworker_a)
    plain = make_entitlement(caseworker_a)
    authorization = authorize(caseworker_a, payee_of(entitlement))
    # One that ended before the month paid does not count.
    authorize(
        caseworker_a,
        payee_of(plain),
        collector_name="赵四",
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2026, 11, 30),
    )
    cycle = generated_cycle(finance)
    line = cycle.lines.get(entitlement=entitlement)
    assert (line.collector, line.authorization_id) == ("王芳", authorization.pk)
    assert line.frozen["collection"] == {
        "authorization": authorization.pk,
        "kind": "proxy",
        "valid_from": "2026-11-01",
        "valid_until": "2027-10-31",
    }
    other = cycle.lines.get(entitlement=plain)
    assert (other.collector, other.authorization_id) == ("", None)
    assert "collection" not in other.frozen
    assert services.line_hash(line) == line.frozen_hash
    call_command("payments", "verify")


def test_the_collectors_identity_number_is_stored_encrypted_with_a_blind_index(caseworker_a):
    authorization = authorize(caseworker_a, payee_of(make_entitlement(caseworker_a)))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT collector_id_number, collector_id_index FROM"
            " payments_collectionauthorization WHERE id = %s",
            [authorization.pk],
        )
        stored, index = cursor.fetchone()
    assert COLLECTOR_ID not in str(stored)
    assert index and COLLECTOR_ID not in index
    assert CollectionAuthorization.objects.get(pk=authorization.pk).collector_id_number == (
        COLLECTOR_ID
    )


def test_it_refuses_a_bad_authorization_and_one_from_who_may_not(caseworker_a, auditor):
    payee = payee_of(make_entitlement(caseworker_a))
    with pytest.raises(ValidationFailed):
        authorize(caseworker_a, payee, collector_id_number="123")
    with pytest.raises(ValidationFailed):
        authorize(caseworker_a, payee, valid_until=None)  # a proxy needs an end date
    with pytest.raises(NotAllowed):
        authorize(auditor, payee)
    guardian = authorize(caseworker_a, payee, kind="guardian", valid_until=None)
    assert guardian.valid_until is None
    assert CollectionAuthorization.objects.count() == 1


@pytest.mark.parametrize("how", ["revoked", "expired"])
def test_an_authorization_revoked_or_ended_by_the_pay_date_is_an_exception(
    caseworker_a, finance, how
):
    entitlement = make_entitlement(caseworker_a)
    authorization = authorize(caseworker_a, payee_of(entitlement))
    cycle = generated_cycle(finance)
    if how == "revoked":
        services.authorization_revoke(
            actor=caseworker_a, authorization=authorization, reason="本人已能自行领取"
        )
    else:  # corrected after the lines were made: the signed authorization ended in November
        CollectionAuthorization.objects.filter(pk=authorization.pk).update(
            valid_until=dt.date(2026, 11, 30)
        )
    services.cycle_check(actor=finance, cycle=cycle)
    exception = PaymentException.objects.get(cycle=cycle, kind=ExceptionKind.AUTHORIZATION_EXPIRED)
    assert exception.line.entitlement_id == entitlement.pk
    assert exception.detail == "王芳"


def test_a_valid_authorization_is_no_exception(caseworker_a, finance):
    entitlement = make_entitlement(caseworker_a)
    authorize(caseworker_a, payee_of(entitlement))
    cycle = services.cycle_check(actor=finance, cycle=generated_cycle(finance))
    assert not PaymentException.objects.filter(cycle=cycle).exists()


def test_a_minor_payee_without_a_guardian_is_an_exception(caseworker_a, finance):
    entitlement = make_entitlement(caseworker_a)
    head = payee_of(entitlement)
    Person.objects.filter(pk=head.pk).update(birth_date=dt.date(2010, 6, 1))
    other = make_entitlement(caseworker_a)
    minor_with_guardian = payee_of(other)
    Person.objects.filter(pk=minor_with_guardian.pk).update(birth_date=dt.date(2011, 1, 1))
    authorize(caseworker_a, minor_with_guardian, kind="guardian", valid_until=None)
    cycle = services.cycle_check(actor=finance, cycle=generated_cycle(finance))
    missing = PaymentException.objects.filter(cycle=cycle, kind=ExceptionKind.GUARDIAN_MISSING)
    assert [e.line.entitlement_id for e in missing] == [entitlement.pk]
    assert cycle.lines.get(entitlement=other).collector == "王芳"


def test_the_cash_roll_shows_the_collector_and_the_receipt_says_who_took_it(caseworker_a, finance):
    entitlement = make_entitlement(caseworker_a)
    household = entitlement.household
    household.bank_account = ""
    household.save(update_fields=["bank_account", "bank_account_index"])
    authorize(caseworker_a, payee_of(entitlement), kind="guardian", valid_until=None)
    allocate(finance)
    cycle = services.cycle_check(actor=finance, cycle=generated_cycle(finance))
    exception = PaymentException.objects.get(cycle=cycle)
    services.exception_decide(actor=finance, exception=exception, outcome="cash", reason="无网点")
    cycle = services.cycle_approve(actor=approver_user(), cycle=cycle)
    services.cycle_export(actor=finance, cycle=cycle, layout_key=LAYOUT)
    line = cycle.lines.get()
    assert line.status == LineStatus.CASH
    page = page_client(finance).get(f"/payments/cycles/{cycle.pk}/cash-roll/").content.decode()
    assert "王芳 (Guardian)" in page
    assert 'name="received_by"' in page
    response = page_client(finance).post(
        f"/payments/lines/{line.pk}/cash/",
        {
            "confirmation": "signature",
            "witness": "村委会李主任",
            "paid_on": "2026-12-06",
            "received_by": "collector",
        },
    )
    assert response.status_code == 302
    assert CashReceipt.objects.get(line=line).received_by == "collector"
    page = page_client(finance).get(f"/payments/cycles/{cycle.pk}/cash-roll/").content.decode()
    assert "received by The authorized collector" in page


def test_a_receipt_cannot_name_a_collector_the_line_has_not(caseworker_a, finance):
    line = cash_line(caseworker_a, finance)
    with pytest.raises(ValidationFailed):
        services.cash_receipt_record(
            actor=finance,
            line=line,
            confirmation="signature",
            witness="村委会李主任",
            paid_on=dt.date(2026, 12, 6),
            received_by="collector",
        )


def test_the_authorizations_page_records_revokes_and_keeps_to_the_county(
    caseworker_a, caseworker_b, auditor
):
    entitlement = make_entitlement(caseworker_a)
    household = entitlement.household
    payee = payee_of(entitlement)
    url = f"/payments/households/{household.pk}/collectors/"
    assert (
        f'href="{url}"'
        in page_client(caseworker_a).get(f"/registry/households/{household.pk}/").content.decode()
    )
    client = page_client(caseworker_a)
    form = {
        "payee": payee.pk,
        "kind": "proxy",
        "collector_name": "王芳",
        "collector_id_number": COLLECTOR_ID,
        "relation": "女儿",
        "document_ref": "委托书 2026-031",
        "valid_from": "2026-11-01",
        "valid_until": "2027-10-31",
    }
    assert client.post(url, form).status_code == 302
    authorization = CollectionAuthorization.objects.get()
    assert authorization.recorded_by == caseworker_a
    page = client.get(url).content.decode()
    assert "王芳" in page and "委托书 2026-031" in page and COLLECTOR_ID not in page
    assert "谁来领取" in page_client(caseworker_a, "zh-hans").get(url).content.decode()
    # Another county: not found, to record or to revoke.
    assert page_client(caseworker_b).get(url).status_code == 404
    assert page_client(caseworker_b).post(url, form).status_code == 404
    revoke = f"/payments/authorizations/{authorization.pk}/revoke/"
    assert page_client(caseworker_b).post(revoke, {"reason": "x"}).status_code == 404
    # Who may read but not record: nothing is written.
    page_client(auditor).post(url, form)
    page_client(auditor).post(revoke, {"reason": "x"})
    assert CollectionAuthorization.objects.count() == 1
    assert CollectionAuthorization.objects.get().revoked_at is None
    assert client.post(revoke, {"reason": "已成年，本人领取"}).status_code == 302
    assert CollectionAuthorization.objects.get().revoke_reason == "已成年，本人领取"


def test_a_layout_may_write_the_collector_of_each_bank_line(caseworker_a, finance, tmp_path):
    from huimin.payments.banking.export import CycleInfo, bank_file_build
    from huimin.payments.banking.layouts import layout_get, layout_load

    source = layout_get(LAYOUT).path
    assert source is not None
    text = source.read_text(encoding="utf-8").replace(f"key: {LAYOUT}", "key: with_collector")
    text = text.replace(
        "  - {name: household, source: household_number, title: 户编号}\n",
        "  - {name: household, source: household_number, title: 户编号}\n"
        "  - {name: collector, source: collector_name, title: 代领人}\n",
    )
    (tmp_path / "with_collector.yaml").write_text(text, encoding="utf-8")
    layout = layout_load(tmp_path / "with_collector.yaml")
    collected = make_entitlement(caseworker_a)
    make_entitlement(caseworker_a)
    authorize(caseworker_a, payee_of(collected))
    cycle = generated_cycle(finance)
    frame = services._bank_frame(cycle, with_id_numbers=False)
    info = CycleInfo(region="532901", month="2026-12", sequence=1, bank="B", pay_date=cycle.month)
    rows = bank_file_build(layout, frame, cycle=info).content.decode().splitlines()
    by_line = {row.split(",")[5]: row.split(",")[-1] for row in rows[2:-1]}
    assert by_line == {
        str(cycle.lines.get(entitlement=collected).pk): "王芳",
        str(cycle.lines.exclude(entitlement=collected).get().pk): "",
    }
