import datetime as dt

import pytest
from django.utils import timezone

from huimin.casework import queries, services
from huimin.casework.models import StepKind, StepStatus
from huimin.core.errors import Conflict, NotAllowed, ValidationFailed
from tests.casework import cases
from tests.conftest import VILLAGE_B


@pytest.fixture
def waiting(caseworker_a, cast, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    application = cases.dibao_application(caseworker_a)
    cases.to_notice(caseworker_a, cast, application)
    return application


def test_a_notice_lists_the_village_applications_masked(caseworker_a, cast, waiting):
    notice = cases.post_notice(cast["helper"], waiting)
    assert notice.ends_on - notice.starts_on == dt.timedelta(days=7)
    [line] = queries.notice_lines(notice)
    head = waiting.applicant
    assert line.name == head.name[0] + "*"
    assert line.id_number.startswith(head.id_number[:4]) and "*" in line.id_number
    assert head.id_number not in line.id_number and line.amount_fen > 0
    assert waiting.steps.get(kind=StepKind.PUBLIC_NOTICE).due_date == notice.ends_on


def test_a_notice_needs_an_application_waiting_in_a_village_of_ones_area(cast, waiting):
    with pytest.raises(NotAllowed):
        services.notice_publish(
            actor=cast["helper"], village_code=VILLAGE_B, starts_on=timezone.localdate()
        )
    cases.post_notice(cast["helper"], waiting)
    with pytest.raises(Conflict):  # already on a posted notice
        cases.post_notice(cast["helper"], waiting)


def test_a_notice_closes_only_after_its_days(cast, waiting):
    notice = services.notice_publish(
        actor=cast["helper"], village_code=waiting.region_code, starts_on=timezone.localdate()
    )
    with pytest.raises(Conflict):
        services.notice_close(actor=cast["helper"], notice=notice)
    services.notice_close(actor=cast["helper"], notice=notice, on=notice.ends_on)
    assert cases.open_kind(waiting) == StepKind.DECISION
    with pytest.raises(Conflict):
        services.notice_close(actor=cast["helper"], notice=notice, on=notice.ends_on)


def test_an_objection_sends_the_case_back_for_a_visit_and_a_three_day_notice(
    caseworker_a, cast, waiting
):
    notice = cases.post_notice(cast["helper"], waiting)
    with pytest.raises(ValidationFailed):
        services.objection_record(
            actor=cast["helper"], application=waiting, notice=notice, text="  "
        )
    with pytest.raises(ValidationFailed):
        services.objection_record(
            actor=cast["helper"],
            application=waiting,
            notice=notice,
            text="他家有车",
            received_on=notice.ends_on + dt.timedelta(days=1),
        )
    objection = services.objection_record(
        actor=cast["helper"],
        application=waiting,
        notice=notice,
        text="他家儿子在城里有房",
        received_on=notice.starts_on,
    )
    # Unanswered, the objection holds the case at its notice.
    services.notice_close(actor=cast["helper"], notice=notice)
    assert cases.open_kind(waiting) == StepKind.PUBLIC_NOTICE
    services.objection_answer(
        actor=caseworker_a, objection=objection, answer="经核实，儿子已分户，另行复查"
    )
    with pytest.raises(Conflict):
        services.objection_answer(actor=caseworker_a, objection=objection, answer="again")
    assert cases.open_kind(waiting) == StepKind.HOME_VISIT
    first_notice = waiting.steps.filter(kind=StepKind.PUBLIC_NOTICE).order_by("position")[0]
    assert first_notice.status == StepStatus.CANCELLED
    cases.visit(caseworker_a, cast["colleague"], waiting)
    again = services.notice_publish(
        actor=cast["helper"], village_code=waiting.region_code, starts_on=timezone.localdate()
    )
    assert again.ends_on - again.starts_on == dt.timedelta(days=3)
    services.notice_close(actor=cast["helper"], notice=again, on=again.ends_on)
    assert cases.open_kind(waiting) == StepKind.DECISION


def test_an_objection_is_to_an_application_on_the_notice(caseworker_a, cast, waiting):
    notice = cases.post_notice(cast["helper"], waiting)
    other = cases.dibao_application(caseworker_a)
    with pytest.raises(ValidationFailed):
        services.objection_record(
            actor=cast["helper"], application=other, notice=notice, text="有异议"
        )
