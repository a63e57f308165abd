import datetime as dt

from huimin.casework import services
from huimin.casework.models import ApplicationStatus, EntitlementStatus, StepKind, StepStatus
from tests.casework import cases


def test_it_moves_through_every_step_in_order(caseworker_a, approver_a, cast):
    application = cases.dibao_application(caseworker_a)
    kinds = list(application.steps.values_list("kind", flat=True))
    assert kinds == [
        StepKind.VERIFICATION,
        StepKind.HOME_VISIT,
        StepKind.APPRAISAL,
        StepKind.TOWNSHIP_OPINION,
        StepKind.PUBLIC_NOTICE,
        StepKind.DECISION,
        StepKind.LETTER,
        StepKind.ENTITLEMENT,
    ]
    first = application.steps.get(kind=StepKind.VERIFICATION)
    assert first.status == StepStatus.OPEN and first.due_date > first.opened_on
    cases.to_decision(caseworker_a, cast, application)
    assert cases.open_kind(application) == StepKind.DECISION
    decision = services.decision_approve(actor=approver_a, application=application)
    assert decision.amount_fen > 0
    assert decision.letter_number.endswith(f"〔{decision.decided_on.year}〕1号")
    services.letter_issue(actor=approver_a, application=application)
    entitlement = services.entitlement_create(actor=approver_a, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert entitlement.status == EntitlementStatus.ACTIVE
    assert entitlement.monthly_fen == decision.amount_fen
    assert entitlement.start_month.day == 1 and entitlement.start_month > decision.decided_on
    assert entitlement.start_month - decision.decided_on < dt.timedelta(days=32)
    assert entitlement.snapshot["criteria"] and entitlement.snapshot["parameters"]
    assert cases.open_kind(application) is None
