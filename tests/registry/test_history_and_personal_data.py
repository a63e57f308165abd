"""Every change leaves a masked snapshot and an audit event; clear numbers never rest anywhere."""

import json
from datetime import date, datetime, timedelta

from django.db import connection
from django.utils import timezone

from huimin.core.models import AuditEvent
from huimin.registry import queries, services
from huimin.registry.models import HouseholdSnapshot, IncomeType, Person
from tests.registry.factories import household_facts, make_household, member

BANK = "6217000010001234569"


def test_every_change_writes_a_snapshot_and_an_audit_event(caseworker_a):
    household = make_household(caseworker_a)
    services.household_update(
        actor=caseworker_a,
        household=household,
        facts=household_facts(address="新址"),
        expected_version=household.version,
    )
    services.income_add(
        actor=caseworker_a,
        person=member(household, "张三"),
        income_type=IncomeType.WAGES,
        monthly_fen=150000,
        valid_from=date(2025, 1, 1),
    )
    reasons = list(household.snapshots.order_by("taken_at", "pk").values_list("reason", flat=True))
    assert reasons == ["household_create", "household_update", "income_add"]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"household.create", "person.add", "household.update", "income.add"} <= actions
    update = AuditEvent.objects.get(action="household.update")
    assert update.changes["address"] == ["下关镇文化路12号", "新址"]
    assert update.region_code == household.region_code


def test_snapshots_and_audit_events_never_hold_a_clear_number(caseworker_a):
    household = make_household(caseworker_a)
    head = member(household, "张三")
    services.household_update(
        actor=caseworker_a,
        household=household,
        facts=household_facts(bank_account="6228480010009876540", phone="13700001111"),
        expected_version=household.version,
    )
    secrets = [p.id_number for p in Person.objects.all()]
    secrets += [BANK, "6228480010009876540", "13912345678", "13700001111"]
    stored = json.dumps(list(HouseholdSnapshot.objects.values_list("data", flat=True)))
    stored += json.dumps(list(AuditEvent.objects.values_list("changes", flat=True)))
    for secret in secrets:
        assert secret not in stored
    assert head.id_number[-4:] in stored  # masked, still recognisable
    change = AuditEvent.objects.get(action="household.update").changes
    assert change["bank_account"] == ["<redacted>", "<redacted>"]


def test_the_raw_database_holds_no_clear_identity_or_bank_number(caseworker_a):
    household = make_household(caseworker_a)
    head = member(household, "张三")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, id_number_index FROM registry_person WHERE id = %s", [head.pk]
        )
        raw_id, index = cursor.fetchone()
        cursor.execute(
            "SELECT bank_account, phone FROM registry_household WHERE id = %s", [household.pk]
        )
        raw_bank, raw_phone = cursor.fetchone()
    assert raw_id.startswith("v1.") and head.id_number not in raw_id
    assert head.id_number not in index
    assert raw_bank.startswith("v1.") and BANK not in raw_bank
    assert "13912345678" not in raw_phone


def test_the_household_can_be_read_as_it_was_on_a_past_date(caseworker_a):
    household = make_household(caseworker_a)
    created = household.snapshots.get()
    # Pretend the household was registered a month ago.
    month_ago = timezone.now() - timedelta(days=30)
    HouseholdSnapshot.objects.filter(pk=created.pk).update(taken_at=month_ago)
    services.household_update(
        actor=caseworker_a,
        household=household,
        facts=household_facts(address="新址"),
        expected_version=household.version,
    )
    services.person_record_death(
        actor=caseworker_a, person=member(household, "李梅"), death_date=timezone.localdate()
    )
    then = queries.household_as_of(household, (month_ago + timedelta(days=1)).date())
    assert then.pk == created.pk
    assert then.data["household"]["address"] == "下关镇文化路12号"
    assert all(m["death_date"] is None for m in then.data["members"])
    now = queries.household_as_of(household, timezone.localdate())
    assert now.reason == "person_record_death"
    assert now.data["household"]["address"] == "新址"
    before_any = queries.household_as_of(household, month_ago.date() - timedelta(days=1))
    assert before_any is None
    moment = queries.household_as_of(household, month_ago + timedelta(seconds=1))
    assert moment.pk == created.pk and isinstance(month_ago, datetime)


def test_ended_income_leaves_later_snapshots_but_stays_in_earlier_ones(caseworker_a):
    household = make_household(caseworker_a)
    income = services.income_add(
        actor=caseworker_a,
        person=member(household, "张三"),
        income_type=IncomeType.WAGES,
        monthly_fen=150000,
        valid_from=date(2024, 1, 1),
    )
    services.income_end(actor=caseworker_a, income=income, valid_to=date(2024, 12, 31))
    added, ended = household.snapshots.order_by("taken_at", "pk")[1:3]
    assert [i["monthly_fen"] for i in added.data["incomes"]] == [150000]
    assert ended.data["incomes"] == []
    income.refresh_from_db()
    assert income.valid_to == date(2024, 12, 31)  # the record itself stays, with its period
