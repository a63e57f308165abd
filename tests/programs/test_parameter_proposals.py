"""An administrator proposes a local value with its effect; a second person approves it."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.urls import reverse

from huimin.core import roles
from huimin.core.errors import Conflict, NotAllowed, ValidationFailed
from huimin.core.models import AuditEvent, User
from huimin.programs.evaluation import totals_for_registry
from huimin.programs.models import ParameterOverride, ParameterProposal, ProposalStatus
from huimin.programs.parameters import live_parameters
from huimin.programs.services import (
    parameter_proposal_approve,
    parameter_proposal_create,
    parameter_proposal_reject,
)
from huimin.registry.models import Household
from tests.conftest import VILLAGE_A, VILLAGE_B, make_user, requires_postgres
from tests.programs.test_evaluate_and_explain import make_household

START = dt.date(2026, 11, 1)
PERIOD = "2026-11"


@pytest.fixture
def dali_admin(regions) -> User:
    return make_user("admin_dali", roles.ADMINISTRATOR, ["532901"])


@pytest.fixture
def second_admin(regions) -> User:
    return make_user("admin_dali_2", roles.ADMINISTRATOR, ["532901"])


@pytest.fixture
def households(regions):
    return [
        make_household("H-31", VILLAGE_A, wage_fen=20000),
        make_household("H-32", VILLAGE_A, wage_fen=30000, members=3),
        make_household("H-33", VILLAGE_A, wage_fen=90000),
        make_household("H-34", VILLAGE_B, wage_fen=20000),  # another county: not counted
    ]


def rural_standard(region: str = VILLAGE_A) -> int:
    from huimin.rules.periods import parse_period

    return (
        live_parameters().resolve_winner("dibao.standard.rural", region, parse_period(PERIOD)).value
    )


def propose(actor, value: int, **extra):
    return parameter_proposal_create(
        actor=actor,
        name="dibao.standard.rural",
        region="532901",
        start=START,
        value=value,
        source="大民发〔2026〕12号",
        effect_period=PERIOD,
        **extra,
    )


def test_the_effect_is_the_rules_engines_difference_in_the_jurisdiction(
    dali_admin, second_admin, households
):
    old = rural_standard()
    dali = Household.objects.filter(region_code__startswith="532901")
    before = {
        t.program: t
        for t in totals_for_registry(households=dali, period=PERIOD)
        if not t.region_code
    }
    proposal = propose(dali_admin, old + 20000)
    effect = proposal.effect
    assert effect["households"] == 3  # Yangbi's household is outside
    parameter_proposal_approve(actor=second_admin, proposal_id=proposal.pk)
    after = {
        t.program: t
        for t in totals_for_registry(households=dali, period=PERIOD)
        if not t.region_code
    }
    expected = sum(after[p].monthly_cost_fen - before[p].monthly_cost_fen for p in after)
    assert expected != 0
    assert effect["monthly_difference_fen"] == expected
    assert effect["yearly_difference_fen"] == 12 * expected
    dibao = next(p for p in effect["programs"] if p["program"] == "dibao")
    assert dibao["gain"] == after["dibao"].eligible - before["dibao"].eligible + dibao["lose"]


def test_a_proposal_is_not_in_force_until_a_second_person_approves(
    dali_admin, second_admin, households
):
    old = rural_standard()
    proposal = propose(dali_admin, old + 10000)
    assert rural_standard() == old and not ParameterOverride.objects.exists()
    with pytest.raises(NotAllowed):
        parameter_proposal_approve(actor=dali_admin, proposal_id=proposal.pk)
    parameter_proposal_approve(actor=second_admin, proposal_id=proposal.pk)
    assert rural_standard() == old + 10000
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED and proposal.override is not None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"parameter.propose", "parameter.approve", "parameter.override"} <= actions


def test_an_approver_of_the_county_may_approve_but_not_one_elsewhere(
    dali_admin, households, approver_a
):
    proposal = propose(dali_admin, rural_standard() + 100)
    yangbi_approver = make_user("approver_b", roles.APPROVER, ["532922"])
    from django.http import Http404

    with pytest.raises(Http404):
        parameter_proposal_approve(actor=yangbi_approver, proposal_id=proposal.pk)
    parameter_proposal_approve(actor=approver_a, proposal_id=proposal.pk)


def test_a_rejection_needs_a_reason_and_is_final(dali_admin, second_admin, households):
    proposal = propose(dali_admin, rural_standard() + 100)
    with pytest.raises(ValidationFailed):
        parameter_proposal_reject(actor=second_admin, proposal_id=proposal.pk, reason=" ")
    parameter_proposal_reject(actor=second_admin, proposal_id=proposal.pk, reason="文号有误")
    with pytest.raises(Conflict):
        parameter_proposal_approve(actor=second_admin, proposal_id=proposal.pk)
    assert not ParameterOverride.objects.exists()
    event = AuditEvent.objects.get(action="parameter.reject")
    assert event.changes["reason"] == "文号有误" and event.region_code == "532901"


def test_it_refuses_a_region_outside_and_a_missing_document(dali_admin, households):
    with pytest.raises(ValidationFailed):
        parameter_proposal_create(
            actor=dali_admin,
            name="dibao.standard.rural",
            region="532922",
            start=START,
            value=1,
            source="x",
            effect_period=PERIOD,
        )
    with pytest.raises(ValidationFailed):
        parameter_proposal_create(
            actor=dali_admin,
            name="dibao.standard.rural",
            region="532901",
            start=START,
            value=1,
            source="  ",
            effect_period=PERIOD,
        )


def test_the_form_shows_the_value_in_force_in_yuan_and_its_source(client, dali_admin, households):
    client.force_login(dali_admin)
    page = client.get(
        reverse("programs:parameter-change"),
        {"name": "dibao.standard.rural", "region": "532901"},
    ).content.decode()
    fen = rural_standard()
    assert f"{fen // 100}.{fen % 100:02d}" in page  # the value as yuan, prefilled
    assert "农村低保标准" in page and "元/月" in page


def test_the_pages_preview_propose_and_approve(client, dali_admin, second_admin, households):
    client.force_login(dali_admin)
    old = rural_standard()
    form = {
        "name": "dibao.standard.rural",
        "region": "532901",
        "value": f"{(old + 15000) / 100:.2f}",
        "start": "2026-11-01",
        "source": "大民发〔2026〕12号",
        "note": "",
    }
    preview = client.post(reverse("programs:parameter-change"), {**form, "action": "preview"})
    assert preview.status_code == 200 and "由规则引擎计算" in preview.content.decode()
    assert not ParameterProposal.objects.exists()
    proposed = client.post(reverse("programs:parameter-change"), {**form, "action": "propose"})
    proposal = ParameterProposal.objects.get()
    assert proposed["Location"] == reverse("programs:parameter-proposal", args=[proposal.pk])
    assert proposal.value == old + 15000
    page = client.get(proposed["Location"]).content.decode()
    assert "批准" not in page.split('id="decide-h"')[0][-10:]  # the proposer gets no buttons
    assert 'id="decide-h"' not in page
    client.force_login(second_admin)
    page = client.get(proposed["Location"]).content.decode()
    assert 'id="decide-h"' in page
    client.post(
        reverse("programs:parameter-proposal-decide", args=[proposal.pk]), {"decision": "approve"}
    )
    assert rural_standard() == old + 15000


def test_the_list_shows_only_the_proposals_of_ones_regions(client, dali_admin, households):
    propose(dali_admin, rural_standard() + 100)
    yangbi_admin = make_user("admin_yangbi", roles.ADMINISTRATOR, ["532922"])
    client.force_login(dali_admin)
    assert "大民发〔2026〕12号" in client.get(reverse("programs:parameters")).content.decode()
    client.force_login(yangbi_admin)
    assert "大民发〔2026〕12号" not in client.get(reverse("programs:parameters")).content.decode()


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_exactly_one_succeeds(regions):
    maker = make_user("admin_x", roles.ADMINISTRATOR, ["532901"])
    checkers = [make_user(f"admin_c{n}", roles.ADMINISTRATOR, ["532901"]) for n in range(2)]
    proposal = propose(maker, 77700)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(checker: User) -> None:
        barrier.wait()
        try:
            parameter_proposal_approve(actor=checker, proposal_id=proposal.pk)
            outcomes.append("approved")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(c,)) for c in checkers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["approved", "conflict"]
    assert ParameterOverride.objects.filter(retired_at__isnull=True).count() == 1
    assert AuditEvent.objects.filter(action="parameter.approve").count() == 1


def test_a_region_without_households_has_no_effect(dali_admin, regions):
    proposal = propose(dali_admin, 1)
    assert proposal.effect["households"] == 0 and proposal.effect["monthly_difference_fen"] == 0


def test_the_list_page_costs_a_fixed_number_of_queries(
    client, dali_admin, households, django_assert_max_num_queries
):
    for n in range(5):
        parameter_proposal_create(
            actor=dali_admin,
            name="dibao.standard.rural",
            region="532901",
            start=START,
            value=70000 + n,
            source=f"文号 {n}",
            effect_period=PERIOD,
        )
    client.force_login(dali_admin)
    client.get(reverse("programs:parameters"))  # warms the parameter set
    with django_assert_max_num_queries(12):
        page = client.get(reverse("programs:parameters")).content.decode()
    assert page.count("文号 ") == 5 and "农村低保标准" in page


def test_the_form_shows_the_value_in_force_on_the_chosen_day(
    client, dali_admin, second_admin, households
):
    old = rural_standard()
    proposal = propose(dali_admin, old + 500)
    parameter_proposal_approve(actor=second_admin, proposal_id=proposal.pk)
    client.force_login(dali_admin)
    url = reverse("programs:parameter-change")
    query = {"name": "dibao.standard.rural", "region": "532901"}
    before = client.get(url, {**query, "start": "2026-10-15"}).content.decode()
    after = client.get(url, {**query, "start": "2026-11-15"}).content.decode()
    assert "在惠民系统中设定" not in before and "示例值" in before
    assert "在惠民系统中设定" in after and f"{(old + 500) // 100}.{(old + 500) % 100:02d}" in after


def test_the_django_admin_cannot_add_a_value_around_the_approval(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/programs/parameteroverride/add/").status_code == 403


def test_the_audit_trail_tells_each_step_and_links_the_proposal(
    client, dali_admin, second_admin, households
):
    proposal = propose(dali_admin, rural_standard() + 100)
    parameter_proposal_reject(actor=second_admin, proposal_id=proposal.pk, reason="文号有误")
    client.force_login(dali_admin)  # an administrator reads the audit trail
    page = client.get(reverse("audit-list")).content.decode()
    assert "提出了参数 dibao.standard.rural 的新值" in page
    assert "退回了参数 dibao.standard.rural 的新值" in page
    assert reverse("programs:parameter-proposal", args=[proposal.pk]) in page
