"""The county's spot-check (抽查): a seeded, reproducible sample of at least the share of the
period's decided cases, every staff relative's case in it, and a re-check of each."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from huimin.casework import services
from huimin.casework.models import SpotCheck, SpotCheckItem, SpotCheckResult
from huimin.casework.services.spot_checks import draw_sample, sample_size
from huimin.core import roles
from huimin.core.errors import Conflict, NotAllowed, ValidationFailed
from huimin.core.models import AuditEvent
from tests.casework import cases
from tests.conftest import VILLAGE_B, make_user
from tests.registry.factories import make_household


def test_the_share_is_rounded_up_exactly():
    assert sample_size(Decimal("0.3"), 10) == 3  # not 4 from 0.30000000000000004 × 10
    assert sample_size(Decimal("0.3"), 7) == 3
    assert sample_size(Decimal("0.3"), 1) == 1
    assert sample_size(Decimal("1"), 5) == 5


def test_the_sample_is_reproducible_and_keeps_every_flagged_case():
    decisions = [(pk, pk in (4, 17)) for pk in range(1, 21)]
    first = draw_sample(decisions, share=Decimal("0.3"), seed=42)
    assert len(first) == 6 and {(4, True), (17, True)} <= set(first)
    assert draw_sample(list(reversed(decisions)), share=Decimal("0.3"), seed=42) == first
    others = {frozenset(draw_sample(decisions, share=Decimal("0.3"), seed=s)) for s in range(5)}
    assert len(others) > 1  # the seed decides which
    many_flagged = [(pk, True) for pk in range(1, 5)] + [(pk, False) for pk in range(5, 11)]
    assert len(draw_sample(many_flagged, share=Decimal("0.3"), seed=1)) == 4


@pytest.fixture
def decided(db, caseworker_a, approver_a, cast):
    """Four cases of the county decided today, one of a declared relative of staff."""
    relative = make_household(caseworker_a, head="亲属户", address="亲属路1号")
    services.relative_declare(
        actor=caseworker_a, person=relative.members.get(relation="head"), relation="表弟"
    )
    applications = [cases.dibao_application(caseworker_a, relative)] + [
        cases.dibao_application(caseworker_a, make_household(caseworker_a, head=f"户主{n}"))
        for n in range(3)
    ]
    services.relative_review_record(actor=approver_a, application=applications[0], note="已复核")
    for application in applications:
        cases.to_decision(caseworker_a, cast, application)
        services.decision_approve(actor=approver_a, application=application)
    return applications


@pytest.fixture
def checker(regions):
    return make_user("checker", roles.APPROVER, ["532901"])


def _draw(actor, **extra):
    today = timezone.localdate()
    return services.spot_check_draw(
        actor=actor, county_code="532901", starts_on=today, ends_on=today, **extra
    )


def test_a_spot_check_samples_the_countys_decided_cases(decided, checker, caseworker_b):
    elsewhere = cases.dibao_application(caseworker_b, make_household(caseworker_b, VILLAGE_B))
    drawn = _draw(checker)
    items = list(drawn.items.select_related("decision"))
    assert drawn.decided == 4 and len(items) == 2  # 30% of 4, rounded up
    assert any(i.relative_flagged and i.decision.application == decided[0] for i in items)
    assert all(i.decision.application != elsewhere for i in items)
    event = AuditEvent.objects.get(action="casework.spot_check_draw")
    assert event.changes["sampled"] == 2 and event.changes["seed"] == drawn.seed
    with pytest.raises(Conflict):
        _draw(checker)


def test_the_same_seed_draws_the_same_cases(decided, checker):
    first = set(_draw(checker, seed=7).items.values_list("decision_id", flat=True))
    # test data: the first sample moves to another period, so the same one may be drawn again
    SpotCheck.objects.all().update(ends_on=timezone.localdate() + dt.timedelta(days=1))
    again = set(_draw(checker, seed=7).items.values_list("decision_id", flat=True))
    assert again == first


def test_drawing_is_refused_outside_the_area_or_for_nothing(decided, checker, caseworker_a):
    today = timezone.localdate()
    with pytest.raises(NotAllowed):
        services.spot_check_draw(
            actor=checker, county_code="532922", starts_on=today, ends_on=today
        )
    with pytest.raises(NotAllowed):
        _draw(caseworker_a)  # a caseworker does not draw
    with pytest.raises(ValidationFailed):
        services.spot_check_draw(
            actor=checker,
            county_code="532901",
            starts_on=today - dt.timedelta(days=30),
            ends_on=today - dt.timedelta(days=20),
        )
    with pytest.raises(ValidationFailed):
        services.spot_check_draw(actor=checker, county_code="5329", starts_on=today, ends_on=today)


def test_a_re_check_is_recorded_once_by_someone_who_did_not_work_on_the_case(
    decided, checker, approver_a
):
    item = _draw(checker).items.first()
    with pytest.raises(NotAllowed):  # the approver decided every case
        services.spot_check_record(actor=approver_a, item=item, result="confirmed")
    with pytest.raises(ValidationFailed):
        services.spot_check_record(actor=checker, item=item, result="discrepancy", note=" ")
    services.spot_check_record(actor=checker, item=item, result="discrepancy", note="有车辆")
    item.refresh_from_db()
    assert (item.result, item.note, item.checked_by) == (
        SpotCheckResult.DISCREPANCY,
        "有车辆",
        checker,
    )
    assert AuditEvent.objects.filter(action="casework.spot_check_record").count() == 1
    with pytest.raises(Conflict):
        services.spot_check_record(actor=checker, item=item, result="confirmed")


def test_the_pages_for_approvers_and_auditors(client, decided, checker, auditor, caseworker_a):
    today = timezone.localdate().isoformat()
    client.force_login(checker)
    response = client.post(
        "/casework/spot-checks/", {"county": "532901", "starts_on": today, "ends_on": today}
    )
    assert response.status_code == 302
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2 of 4 decided cases" in page and "Relative of staff" in page
    sampled = SpotCheckItem.objects.get(decision=decided[0].decisions.get())
    client.post(f"/casework/spot-checks/items/{sampled.pk}/", {"result": "confirmed"})
    sampled.refresh_from_db()
    assert sampled.result == "confirmed"
    client.force_login(auditor)
    assert client.get("/casework/spot-checks/").status_code == 200
    chinese = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "抽查" in chinese and 'name="result"' not in chinese  # auditors only read
    client.force_login(caseworker_a)
    assert client.get("/casework/spot-checks/").status_code == 403


def test_a_bad_date_is_named(client, checker, decided):
    client.force_login(checker)
    response = client.post(
        "/casework/spot-checks/",
        {"county": "532901", "starts_on": "yesterday", "ends_on": "2026-01-01"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200 and "YYYY-MM-DD" in response.content.decode()
