"""Outreach: the rules find households that appear to qualify and are not enrolled."""

import pytest

from huimin.casework import services
from huimin.casework.models import OutreachCandidate, OutreachStatus
from huimin.core.errors import Conflict, NotAllowed, ValidationFailed
from tests.casework import cases
from tests.casework.test_pages import client_of, ok
from tests.registry.factories import make_household


@pytest.fixture
def area(caseworker_a, regions, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    poor = [make_household(caseworker_a, head=name) for name in ("张一", "张二")]
    applying = make_household(caseworker_a, head="张三")
    cases.dibao_application(caseworker_a, applying)
    return {"poor": poor, "applying": applying}


def test_it_lists_households_that_appear_to_qualify_and_not_those_applying(caseworker_a, area):
    found = services.outreach_run(actor=caseworker_a)
    households = {c.household_id for c in found}
    assert households == {h.pk for h in area["poor"]}
    assert all(c.reason.get("criteria") and c.amount_fen > 0 for c in found)
    assert services.outreach_run(actor=caseworker_a) == []  # listed once


def test_a_candidate_is_applied_for_or_marked(caseworker_a, approver_a, area):
    first, second = services.outreach_run(actor=caseworker_a)
    with pytest.raises(NotAllowed):
        services.outreach_run(actor=approver_a)
    application = services.outreach_apply(actor=caseworker_a, candidate=first)
    assert application.household_id == first.household_id
    first.refresh_from_db()
    assert first.status == OutreachStatus.APPLIED and first.application == application
    with pytest.raises(Conflict):
        services.outreach_mark(actor=caseworker_a, candidate=first, outcome="contacted")
    services.outreach_mark(actor=caseworker_a, candidate=second, outcome="contacted")
    with pytest.raises(ValidationFailed):
        services.outreach_mark(actor=caseworker_a, candidate=second, outcome="declined")
    services.outreach_mark(
        actor=caseworker_a, candidate=second, outcome="declined", note="不愿申请"
    )
    with pytest.raises(Conflict):
        services.outreach_apply(actor=caseworker_a, candidate=second)


def test_the_outreach_page_runs_lists_and_starts_an_application(
    caseworker_a, caseworker_b, area, django_assert_max_num_queries
):
    client = client_of(caseworker_a)
    ok(client.post("/casework/outreach/"))
    with django_assert_max_num_queries(8):
        page = ok(client.get("/casework/outreach/"), 200).content.decode()
    candidate = OutreachCandidate.objects.first()
    assert f"/casework/outreach/{candidate.pk}/" in page
    ok(client.post(f"/casework/outreach/{candidate.pk}/", {"action": "apply"}))
    candidate.refresh_from_db()
    assert candidate.status == OutreachStatus.APPLIED
    far = client_of(caseworker_b)
    assert (
        far.post(f"/casework/outreach/{candidate.pk}/", {"action": "contacted"}).status_code == 404
    )
