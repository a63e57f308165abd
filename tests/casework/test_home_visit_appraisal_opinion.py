import datetime as dt

import pytest
from django.utils import timezone

from huimin.casework import services
from huimin.casework.models import StepKind
from huimin.core import roles
from huimin.core.errors import Conflict, NotAllowed, ValidationFailed
from tests.casework import cases
from tests.conftest import make_user


@pytest.fixture
def visiting(caseworker_a, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    application = cases.dibao_application(caseworker_a)
    cases.verify(caseworker_a, application)
    return application


def visit(actor, second, application, **given):
    facts = {
        "actor": actor,
        "application": application,
        "second_staff": second,
        "visited_on": timezone.localdate(),
        "items": cases.VISIT_ITEMS,
        "family_confirmed": True,
        "staff_confirmed": True,
        **given,
    }
    return services.home_visit_record(**facts)


def test_a_home_visit_needs_two_different_staff(caseworker_a, visiting):
    with pytest.raises(ValidationFailed) as refused:
        visit(caseworker_a, caseworker_a, visiting)
    assert refused.value.field == "second_staff"


def test_the_second_visitor_works_in_the_area(caseworker_a, caseworker_b, approver_a, visiting):
    for second in (caseworker_b, approver_a):  # another county; no caseworker's role
        with pytest.raises(ValidationFailed):
            visit(caseworker_a, second, visiting)


def test_a_home_visit_records_every_item_and_both_confirmations(caseworker_a, cast, visiting):
    with pytest.raises(ValidationFailed) as refused:
        visit(caseworker_a, cast["colleague"], visiting, items={**cases.VISIT_ITEMS, "income": ""})
    assert refused.value.field == "income"
    with pytest.raises(ValidationFailed):
        visit(caseworker_a, cast["colleague"], visiting, family_confirmed=False)
    with pytest.raises(ValidationFailed):
        visit(caseworker_a, cast["colleague"], visiting, visited_on=dt.date(2999, 1, 1))
    step = visit(caseworker_a, cast["colleague"], visiting)
    assert step.findings["items"]["housing"] == cases.VISIT_ITEMS["housing"]
    assert step.done_by == caseworker_a and step.second_staff == cast["colleague"]
    assert cases.open_kind(visiting) == StepKind.APPRAISAL


def test_a_step_out_of_order_is_refused(caseworker_a, cast, visiting):
    with pytest.raises(Conflict, match="入户调查"):
        services.township_opinion_record(
            actor=caseworker_a, application=visiting, recommend=True, note="同意"
        )


def test_the_appraisal_is_the_village_helpers(caseworker_a, cast, visiting):
    visit(caseworker_a, cast["colleague"], visiting)
    with pytest.raises(NotAllowed):
        services.appraisal_record(
            actor=caseworker_a,
            application=visiting,
            held_on=timezone.localdate(),
            present=5,
            in_favour=5,
        )
    with pytest.raises(ValidationFailed):
        services.appraisal_record(
            actor=cast["helper"],
            application=visiting,
            held_on=timezone.localdate(),
            present=5,
            in_favour=6,
        )
    step = services.appraisal_record(
        actor=cast["helper"],
        application=visiting,
        held_on=timezone.localdate(),
        present=9,
        in_favour=4,
    )
    assert step.outcome == "disagree"


def test_the_township_opinion_is_written(caseworker_a, cast, visiting):
    visit(caseworker_a, cast["colleague"], visiting)
    services.appraisal_record(
        actor=cast["helper"],
        application=visiting,
        held_on=timezone.localdate(),
        present=9,
        in_favour=9,
    )
    helper_only = make_user("helper_2", roles.VILLAGE_HELPER, ["532901"])
    with pytest.raises(NotAllowed):
        services.township_opinion_record(
            actor=helper_only, application=visiting, recommend=True, note="同意"
        )
    with pytest.raises(ValidationFailed):
        services.township_opinion_record(
            actor=caseworker_a, application=visiting, recommend=True, note=""
        )
    step = services.township_opinion_record(
        actor=caseworker_a, application=visiting, recommend=True, note="情况属实，同意上报"
    )
    assert step.outcome == "recommend"
    assert cases.open_kind(visiting) == StepKind.PUBLIC_NOTICE
