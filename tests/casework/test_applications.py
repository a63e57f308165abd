import pytest

from huimin.casework import services
from huimin.casework.models import ApplicationStatus, EmergencyKind, Program, StepKind, StepStatus
from huimin.core.errors import Conflict, NotAllowed, ValidationFailed
from huimin.registry import services as registry
from tests.casework import cases
from tests.conftest import VILLAGE_B
from tests.registry.factories import make_household


def take(actor, household, **given):
    facts = {
        "actor": actor,
        "household": household,
        "applicant": household.members.get(relation="head"),
        "program": Program.DIBAO,
        "channel": "window",
        "statement": "申请",
        **given,
    }
    return services.application_create(**facts)


def test_it_opens_the_first_step_with_its_due_date(caseworker_a):
    application = take(caseworker_a, make_household(caseworker_a))
    steps = list(application.steps.order_by("position"))
    assert [s.status for s in steps] == [StepStatus.OPEN] + [StepStatus.WAITING] * 7
    assert steps[0].due_date is not None and steps[0].opened_on is not None


def test_it_refuses_an_applicant_from_another_household(caseworker_a):
    household, other = make_household(caseworker_a), make_household(caseworker_a)
    with pytest.raises(ValidationFailed) as refused:
        take(caseworker_a, household, applicant=other.members.first())
    assert refused.value.field == "applicant"


def test_it_refuses_a_dead_applicant(caseworker_a):
    household = make_household(caseworker_a, others=())
    head = household.members.get()
    registry.person_record_death(actor=caseworker_a, person=head, death_date=head.created_at.date())
    with pytest.raises(ValidationFailed):
        take(caseworker_a, household, applicant=household.members.get())


def test_it_refuses_a_second_open_application_for_the_same_program(caseworker_a):
    household = make_household(caseworker_a)
    take(caseworker_a, household)
    with pytest.raises(Conflict):
        take(caseworker_a, household)
    take(caseworker_a, household, program=Program.TEKUN)  # another program is fine


def test_it_refuses_a_household_outside_the_area(caseworker_a, caseworker_b):
    household = make_household(caseworker_b, village=VILLAGE_B)
    with pytest.raises(NotAllowed):
        take(caseworker_a, household)


def test_it_refuses_a_role_that_does_not_take_applications(caseworker_a, approver_a):
    with pytest.raises(NotAllowed):
        take(approver_a, make_household(caseworker_a))


def test_it_refuses_temporary_assistance_without_the_emergency(caseworker_a):
    household = make_household(caseworker_a)
    with pytest.raises(ValidationFailed) as refused:
        take(caseworker_a, household, program=Program.TEMPORARY)
    assert refused.value.field == "emergency_kind"
    with pytest.raises(ValidationFailed) as refused:
        take(
            caseworker_a,
            household,
            program=Program.TEMPORARY,
            emergency_kind=EmergencyKind.URGENT,
            emergency_expense_fen=0,
        )
    assert refused.value.field == "emergency_expense_fen"


def test_it_helps_first_only_in_an_emergency(caseworker_a):
    household = make_household(caseworker_a)
    with pytest.raises(ValidationFailed) as refused:
        take(
            caseworker_a,
            household,
            program=Program.TEMPORARY,
            emergency_kind=EmergencyKind.EXPENDITURE,
            emergency_expense_fen=300_000,
            help_first=True,
        )
    assert refused.value.field == "help_first"
    application = take(
        caseworker_a,
        household,
        program=Program.TEMPORARY,
        emergency_kind=EmergencyKind.URGENT,
        emergency_expense_fen=300_000,
        help_first=True,
    )
    kinds = list(application.steps.values_list("kind", flat=True))
    assert kinds[0] == StepKind.DECISION and kinds[-1] == StepKind.VERIFICATION


def test_it_refuses_an_emergency_on_a_dibao_application(caseworker_a):
    with pytest.raises(ValidationFailed):
        take(
            caseworker_a,
            make_household(caseworker_a),
            emergency_kind=EmergencyKind.URGENT,
            emergency_expense_fen=100,
        )


def test_it_refuses_disaster_relief_without_the_event(caseworker_a):
    with pytest.raises(ValidationFailed) as refused:
        take(caseworker_a, make_household(caseworker_a), program=Program.DISASTER)
    assert refused.value.field == "disaster_event"


def test_it_withdraws_and_cancels_the_remaining_steps(caseworker_a):
    application = cases.dibao_application(caseworker_a)
    with pytest.raises(ValidationFailed):
        services.application_withdraw(actor=caseworker_a, application=application, reason=" ")
    services.application_withdraw(actor=caseworker_a, application=application, reason="家里不要了")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert not application.steps.exclude(status=StepStatus.CANCELLED).exists()
    with pytest.raises(Conflict):
        services.application_withdraw(actor=caseworker_a, application=application, reason="again")


def test_it_suspends_with_a_reason_and_resumes(caseworker_a):
    application = cases.dibao_application(caseworker_a)
    with pytest.raises(ValidationFailed):
        services.procedure_suspend(actor=caseworker_a, application=application, reason="")
    services.procedure_suspend(actor=caseworker_a, application=application, reason="外出务工")
    with pytest.raises(Conflict):  # no step while suspended
        cases.verify(caseworker_a, application)
    with pytest.raises(Conflict):
        services.procedure_suspend(actor=caseworker_a, application=application, reason="again")
    services.procedure_resume(actor=caseworker_a, application=application)
    with pytest.raises(Conflict):
        services.procedure_resume(actor=caseworker_a, application=application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_PROGRESS
    cases.verify(caseworker_a, application)
    assert cases.open_kind(application) == StepKind.HOME_VISIT
