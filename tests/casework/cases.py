"""Casework test data: applications taken and moved on through the services, step by step."""

import datetime as dt

from django.utils import timezone

from huimin.casework import services
from huimin.casework.models import Application, DocumentKind, Notice, Program, StepKind
from huimin.core import roles
from huimin.core.models import User
from huimin.registry.models import Household
from tests.conftest import make_user
from tests.registry.factories import make_household

PDF = b"%PDF-1.4\n% a scanned authorization\n"
VISIT_ITEMS = {
    "housing": "两间土木房，漏雨",
    "income": "无固定收入",
    "assets": "无车辆，无存款",
    "members": "夫妻二人同住",
    "health": "户主慢性病",
}


def staff(region: str = "532901") -> dict[str, User]:
    """A second caseworker, a village helper and an approver of the county, beside the cast's."""
    return {
        "colleague": make_user("colleague_a", roles.CASEWORKER, [region]),
        "helper": make_user("helper_a", roles.VILLAGE_HELPER, [region]),
    }


def dibao_application(
    caseworker: User, household: Household | None = None, program: str = Program.DIBAO
) -> Application:
    household = household or make_household(caseworker)
    return services.application_create(
        actor=caseworker,
        household=household,
        applicant=household.members.get(relation="head"),
        program=program,
        channel="window",
        statement="家庭收入低，申请低保",
    )


def authorize(caseworker: User, application: Application) -> None:
    document = services.document_attach(
        actor=caseworker,
        application=application,
        kind=DocumentKind.AUTHORIZATION,
        file_name="授权书.pdf",
        data=PDF,
    )
    services.authorization_record(
        actor=caseworker,
        application=application,
        signers=list(application.household.members.all()),
        signed_on=timezone.localdate(),
        document=document,
    )


def verify(caseworker: User, application: Application) -> None:
    authorize(caseworker, application)
    services.findings_record(
        actor=caseworker, application=application, purpose="低保审核", found={"deaths": []}
    )
    services.verification_complete(actor=caseworker, application=application)


def visit(caseworker: User, colleague: User, application: Application) -> None:
    services.home_visit_record(
        actor=caseworker,
        application=application,
        second_staff=colleague,
        visited_on=timezone.localdate(),
        items=VISIT_ITEMS,
        family_confirmed=True,
        staff_confirmed=True,
    )


def to_notice(caseworker: User, cast: dict[str, User], application: Application) -> None:
    """Verified, visited, appraised and given the township's opinion: waiting for its notice."""
    verify(caseworker, application)
    visit(caseworker, cast["colleague"], application)
    services.appraisal_record(
        actor=cast["helper"],
        application=application,
        held_on=timezone.localdate(),
        present=9,
        in_favour=8,
    )
    services.township_opinion_record(
        actor=caseworker, application=application, recommend=True, note="同意上报"
    )


def post_notice(helper: User, application: Application) -> Notice:
    return services.notice_publish(
        actor=helper,
        village_code=application.region_code,
        starts_on=timezone.localdate() - dt.timedelta(days=8),
    )


def to_decision(caseworker: User, cast: dict[str, User], application: Application) -> Notice:
    to_notice(caseworker, cast, application)
    notice = post_notice(cast["helper"], application)
    services.notice_close(actor=cast["helper"], notice=notice)
    return notice


def open_kind(application: Application) -> str | None:
    step = application.steps.filter(status="open").first()
    return step.kind if step is not None else None


__all__ = ["StepKind", "dibao_application", "open_kind", "staff", "to_decision", "to_notice"]
