"""The audit list reads as sentences, filters by who, what, when, region and record, and pages."""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse

from huimin.core import audit
from huimin.core.audit import audit_record
from huimin.core.models import AuditEvent
from huimin.registry import services as registry
from tests.conftest import VILLAGE_A, VILLAGE_B
from tests.registry.factories import household_facts, make_household


def listed(client, **query) -> str:
    response = client.get(reverse("audit-list"), query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def seqs(client, **query) -> list[int]:
    response = client.get(reverse("audit-list"), query)
    assert response.status_code == 200
    return [line.event.seq for line in response.context["page"].lines]


@pytest.fixture
def changed_household(caseworker_a):
    household = make_household(caseworker_a)
    facts = household_facts(VILLAGE_A, address="下关镇文化路14号")
    return registry.household_update(
        actor=caseworker_a, household=household, facts=facts, expected_version=household.version
    )


def test_an_event_reads_as_a_sentence_in_both_languages(client, auditor, changed_household):
    client.force_login(auditor)
    no = changed_household.household_no
    assert f"caseworker_a changed household {no}: address" in listed(client)
    page = client.get(reverse("audit-list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f"caseworker_a 修改了家庭 {no}：住址" in page


def test_a_record_is_linked_where_the_reader_may_see_it(client, auditor, changed_household):
    client.force_login(auditor)
    household_page = reverse("registry:household", args=[changed_household.pk])
    assert f'href="{household_page}"' in listed(client)


def test_a_staff_record_is_linked_to_its_account_page_for_administrators_only(
    client, auditor, admin_user, caseworker_b
):
    from huimin.core.services import api_token_create

    api_token_create(user=caseworker_b, name="reports")
    with transaction.atomic():
        audit_record(
            actor=admin_user,
            action="user.change_in_admin",
            object_type="user",
            object_id=caseworker_b.pk,
        )
    change_page = reverse("administration:user", args=[caseworker_b.pk])
    client.force_login(admin_user)
    assert f'href="{change_page}"' in listed(client)
    client.force_login(auditor)
    assert change_page not in listed(client)


def test_it_filters_by_who_what_region_and_record(client, auditor, caseworker_a, caseworker_b):
    a = make_household(caseworker_a, VILLAGE_A)
    b = make_household(caseworker_b, VILLAGE_B)
    client.force_login(auditor)
    by_b = set(seqs(client, who="caseworker_b"))
    assert by_b and by_b == set(
        AuditEvent.objects.filter(actor=caseworker_b).values_list("seq", flat=True)
    )
    created = seqs(client, action="household.create")
    assert len(created) == 2
    assert seqs(client, region="532922") == list(
        AuditEvent.objects.filter(region_code__startswith="532922")
        .order_by("-seq")
        .values_list("seq", flat=True)
    )
    only_a = seqs(client, object_type="registry.household", object_id=str(a.pk))
    assert only_a == [AuditEvent.objects.get(action="household.create", object_id=str(a.pk)).seq]
    assert str(b.pk) not in {e.object_id for e in AuditEvent.objects.filter(seq__in=only_a)}


def test_it_filters_by_office_days(client, auditor, monkeypatch):
    shanghai = dt.timezone(dt.timedelta(hours=8))
    for day in (1, 2, 3):
        # 00:30 in Shanghai is the previous day in UTC: the filter must use the office's days.
        moment = dt.datetime(2026, 3, day, 0, 30, tzinfo=shanghai)
        monkeypatch.setattr(audit.timezone, "now", lambda moment=moment: moment)
        with transaction.atomic():
            audit_record(actor=None, action="test.day", region_code=VILLAGE_A, object_id=day)
    monkeypatch.undo()
    client.force_login(auditor)
    found = seqs(client, date_from="2026-03-02", date_to="2026-03-02")
    assert [AuditEvent.objects.get(seq=s).object_id for s in found] == ["2"]


def test_a_bad_filter_is_named_not_ignored(client, auditor):
    client.force_login(auditor)
    page = listed(client, region="53290")
    assert "2, 4, 6, 9 or 12 digits" in page


def test_it_pages_by_sequence_with_a_fixed_number_of_queries(
    client, auditor, caseworker_a, django_assert_num_queries
):
    for i in range(55):
        with transaction.atomic():
            audit_record(
                actor=caseworker_a,
                action="household.update",
                object_type="registry.household",
                object_id=i,
                region_code=VILLAGE_A,
                changes={"household": f"H{i}", "address": ["x", "y"]},
            )
    client.force_login(auditor)
    client.get(reverse("audit-list"))  # warm the session and permission caches
    # session, user, user's and roles' permissions, jurisdiction, top-level check, events,
    # region names: the same for 5 events or 50.
    with django_assert_num_queries(8):
        response = client.get(reverse("audit-list"))
    first = response.context["page"]
    assert len(first.lines) == 50 and first.older
    older = client.get(reverse("audit-list") + first.older).context["page"]
    mine = AuditEvent.objects.filter(action="household.update").order_by("-seq")
    assert [line.event.seq for line in older.lines] == list(mine.values_list("seq", flat=True))[50:]
    assert not older.older and older.newest
