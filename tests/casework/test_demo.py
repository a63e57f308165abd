"""The demo's caseload, on a small scale: a real day for the caseworker, all through the services.

The full size (5,534 persons covered) is measured by hand with `make demo`, not here."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from huimin.casework.assessment import application_explain
from huimin.casework.demo import (
    CARRIED_OVER_DAYS_AGO,
    RECIPIENTS,
    demo_caseload_build,
    demo_figures,
)
from huimin.casework.models import (
    Application,
    Channel,
    DecisionOutcome,
    Entitlement,
    EntitlementStatus,
    Objection,
    OutreachCandidate,
    Step,
    StepKind,
    StepStatus,
)
from huimin.core.audit import audit_verify
from huimin.core.models import AuditEvent
from huimin.registry.bulk.services import registry_generate

SCALE = 0.03


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    call_command("load_regions", stdout=io.StringIO())
    registry_generate(region="532901003", persons=3000, seed=2026)
    made = demo_caseload_build(scale=SCALE)
    assert made is not None
    return made


def test_every_step_has_open_applications_some_overdue_some_by_the_helper(demo):
    figures = demo_figures()
    by_step = figures["applications_by_step"]
    assert set(StepKind.values) <= set(by_step)
    assert all(n >= 2 for n in by_step.values()), by_step
    assert figures["steps_overdue"] >= len(StepKind.values) - 1
    assert figures["by_village_helper"] >= 5
    assert Step.objects.filter(status=StepStatus.OPEN, due_date__lt=timezone.localdate()).exists()


def test_the_carried_over_caseload_is_the_rules_amounts_with_audit_events(demo):
    carried = Entitlement.objects.filter(decision__application__channel=Channel.CARRIED_OVER)
    assert carried.count() == demo.carried_over > 0
    assert sum(carried.values_list("monthly_fen", flat=True)) == demo.monthly_fen
    assert {"dibao", "old_age", "disability_care"} <= set(carried.values_list("program", flat=True))
    carried_on = timezone.localdate() - dt.timedelta(days=CARRIED_OVER_DAYS_AGO)
    for entitlement in carried.filter(status=EntitlementStatus.ACTIVE).select_related(
        "decision__application"
    )[:25]:
        expected = application_explain(application=entitlement.decision.application, on=carried_on)
        assert entitlement.monthly_fen == expected.amount_fen > 0
        assert entitlement.snapshot["period"] == expected.period
    events = AuditEvent.objects.filter(action="casework.caseload_carry_over")
    assert set(events.values_list("object_id", flat=True)) == {
        str(pk) for pk in carried.values_list("pk", flat=True)
    }
    assert audit_verify().intact


def test_the_caseworker_finds_a_full_day(demo):
    figures = demo_figures()
    target = RECIPIENTS * SCALE
    assert abs(figures["persons_covered"] - target) <= 0.03 * target
    assert figures["reviews_due_30_days"] > 0 and figures["reviews_overdue"] > 0
    assert Objection.objects.count() == 2
    assert Objection.objects.filter(answered_at__isnull=False).count() == 1
    assert Application.objects.exclude(relative_flag="").exists()
    assert OutreachCandidate.objects.exists()
    suspended = Entitlement.objects.get(status=EntitlementStatus.SUSPENDED)
    assert suspended.household.members.filter(death_date__isnull=False).exists()
    for outcome in (DecisionOutcome.APPROVED, DecisionOutcome.REFUSED):
        assert Step.objects.filter(
            kind=StepKind.LETTER,
            status=StepStatus.DONE,
            application__decisions__outcome=outcome,
            application__channel__in=[Channel.WINDOW, Channel.VILLAGE_HELPER],
        ).exists()
    assert Entitlement.objects.exclude(decision__application__channel=Channel.CARRIED_OVER).exists()


def test_building_again_changes_nothing(demo):
    before = demo_figures()
    events = AuditEvent.objects.count()
    assert demo_caseload_build(scale=SCALE) is None
    assert demo_figures() == before
    assert AuditEvent.objects.count() == events
