"""Generation and the checks without model objects: the same seal, the same findings, once."""

import datetime as dt
import hashlib
import json
import random

import pytest
from django.db import connection
from stdnum import luhn

from huimin.casework.models import Entitlement
from huimin.core.models import AuditEvent
from huimin.payments import services
from huimin.payments.checks import luhn_valid
from huimin.payments.models import PaymentException, PaymentLine
from huimin.payments.queries import ledger_verify
from huimin.payments.seal import frozen_text
from huimin.registry.models import Person
from tests.payments.factories import MONTH, finance_user, generated_cycle, make_entitlement


@pytest.fixture
def finance(regions):
    return finance_user()


def in_jsonb_order(value):
    """A record's dicts rebuilt with their keys in PostgreSQL's jsonb order: by length in UTF-8
    bytes, then bytewise."""
    if isinstance(value, dict):
        keys = sorted(value, key=lambda key: (len(key.encode()), key.encode()))
        return {key: in_jsonb_order(value[key]) for key in keys}
    if isinstance(value, list):
        return [in_jsonb_order(item) for item in value]
    return value


def sealed_as_defined(line, frozen_order=in_jsonb_order) -> str:
    """The seal's definition: the JSON of these fields in sorted order, the frozen record's
    keys in jsonb order within it, hashed."""
    sealed = {
        "kind": line.kind,
        "entitlement": line.entitlement_id,
        "month": line.month.isoformat(),
        "purpose": line.purpose_key,
        "reissue_of": line.reissue_of_id,
        "program": line.program,
        "household": line.household_id,
        "payee": line.payee_id,
        "amount_fen": line.amount_fen,
        "frozen": frozen_order(line.frozen),
    }
    text = json.dumps(dict(sorted(sealed.items())), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def test_it_seals_generated_lines_as_the_ledger_reads_them(caseworker_a, finance):
    make_entitlement(caseworker_a, review_due=dt.date(2027, 5, 1))
    make_entitlement(
        caseworker_a,
        snapshot={
            "说明": "低保 “差额” \\ 补助\n第二行",
            "z": [1, None, 2.5, {"bb": 1, "a": 2}],
            "a": {"b": True, "é": False},
        },
    )
    cycle = generated_cycle(finance)
    lines = list(cycle.lines.all())
    assert len(lines) == 2
    for line in lines:
        assert line.frozen_hash == sealed_as_defined(line)
        assert services.line_hash(line) == line.frozen_hash
    assert lines[1].frozen["snapshot"]["说明"] == "低保 “差额” \\ 补助\n第二行"
    assert ledger_verify().balanced


def test_the_frozen_text_is_what_postgresql_prints(caseworker_a, finance):
    if connection.vendor != "postgresql":
        pytest.skip("jsonb is PostgreSQL's")
    make_entitlement(caseworker_a, snapshot={"x": [1e-05, -0.0, 1e22], "中文": "“引号”\t"})
    line = generated_cycle(finance).lines.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT frozen::text FROM payments_paymentline WHERE id = %s", [line.pk])
        assert cursor.fetchone()[0] == frozen_text(line.frozen)


def test_a_line_sealed_in_the_earlier_form_still_verifies(caseworker_a, finance):
    make_entitlement(caseworker_a, snapshot={"status": "x", "category": {"bb": 1, "a": 2}})
    line = generated_cycle(finance).lines.get()

    def in_code_point_order(value):
        return json.loads(json.dumps(value, sort_keys=True))

    earlier = sealed_as_defined(line, frozen_order=in_code_point_order)
    assert earlier != line.frozen_hash
    PaymentLine.objects.filter(pk=line.pk).update(frozen_hash=earlier)
    assert ledger_verify().balanced
    PaymentLine.objects.filter(pk=line.pk).update(amount_fen=line.amount_fen + 1)
    assert not ledger_verify().balanced


def test_it_records_each_finding_once_when_checked_again(caseworker_a, finance):
    dead = make_entitlement(caseworker_a, status="suspended")
    Person.objects.filter(household=dead.household, relation="head").update(
        death_date=dt.date(2026, 11, 3)
    )
    make_entitlement(caseworker_a)
    cycle = generated_cycle(finance)
    services.cycle_check(actor=finance, cycle=cycle)
    services.cycle_check(actor=finance, cycle=cycle)
    found = PaymentException.objects.filter(cycle=cycle)
    assert sorted(found.values_list("kind", flat=True)) == ["dead", "suspended"]
    assert set(found.values_list("line__entitlement_id", flat=True)) == {dead.pk}
    assert found.get(kind="dead").detail == "2026-11-03"
    checks = AuditEvent.objects.filter(action="payments.cycle_check").order_by("pk")
    assert [event.changes["exceptions"] for event in checks] == [2, 0]


def test_it_leaves_excluded_lines_unchecked(caseworker_a, finance):
    entitlement = make_entitlement(caseworker_a, review_due=MONTH - dt.timedelta(days=1))
    cycle = generated_cycle(finance)
    cycle.lines.update(status="excluded")
    services.cycle_check(actor=finance, cycle=cycle)
    assert not PaymentException.objects.filter(cycle=cycle).exists()
    assert Entitlement.objects.filter(pk=entitlement.pk).exists()


def test_it_checks_account_digits_as_the_luhn_rule_says():
    numbers = ["0", "18", "79927398713", "6217000010001234569", "6217000010001234568"]
    rng = random.Random(11)
    numbers += [str(rng.randrange(10 ** rng.randint(1, 20))) for _ in range(2000)]
    assert [luhn_valid(n) for n in numbers] == [luhn.is_valid(n) for n in numbers]
