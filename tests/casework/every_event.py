"""Casework's part of the audit test: each kind of casework event written once, as the doors do."""

import contextlib
import datetime as dt

from django.utils import timezone

from huimin.casework import services
from huimin.casework.verification import VerificationNotAuthorized
from huimin.core import roles
from huimin.core.models import User
from huimin.core.refusals import refusals_recorded
from tests.casework import cases
from tests.conftest import VILLAGE_B, make_user
from tests.registry.factories import make_household


def write_every_casework_event(caseworker: User) -> None:
    cast = cases.staff()
    approver = make_user("approver_events", roles.APPROVER, ["532901"])
    # An approved case, with a finding taken in and one not, an objection, an appeal.
    application = cases.dibao_application(caseworker)
    with refusals_recorded(), contextlib.suppress(VerificationNotAuthorized):
        services.verification_run(actor=caseworker, application=application)  # not signed yet
    cases.authorize(caseworker, application)
    services.document_read(actor=caseworker, document=application.documents.get())
    deposit, note = services.findings_record(
        actor=caseworker,
        application=application,
        purpose="低保审核",
        found={
            "bank_deposits": [
                {
                    "kind": "asset",
                    "summary": "存款",
                    "data": {"asset_kind": "deposit", "value_fen": 100, "valid_from": "2026-01-01"},
                },
                {"kind": "note", "summary": "x", "data": {}},
            ]
        },
    )
    services.finding_accept(actor=caseworker, finding=deposit)
    services.finding_dismiss(actor=caseworker, finding=note, reason="不属实")
    services.verification_complete(actor=caseworker, application=application)
    cases.visit(caseworker, cast["colleague"], application)
    services.appraisal_record(
        actor=cast["helper"],
        application=application,
        held_on=timezone.localdate(),
        present=3,
        in_favour=3,
    )
    services.township_opinion_record(
        actor=caseworker, application=application, recommend=True, note="同意"
    )
    notice = cases.post_notice(cast["helper"], application)
    objection = services.objection_record(
        actor=cast["helper"],
        application=application,
        notice=notice,
        text="有车",
        received_on=notice.starts_on,
    )
    services.objection_answer(actor=caseworker, objection=objection, answer="已核实")
    cases.visit(caseworker, cast["colleague"], application)
    again = services.notice_publish(
        actor=cast["helper"],
        village_code=application.region_code,
        starts_on=timezone.localdate() - dt.timedelta(days=4),
    )
    services.notice_close(actor=cast["helper"], notice=again)
    services.procedure_extend(actor=approver, application=application, reason="外地核查未回")
    services.application_reassign(
        actor=approver, application=application, to=cast["colleague"], reason="休假"
    )
    services.decision_approve(actor=approver, application=application)
    services.letter_issue(actor=approver, application=application)
    entitlement = services.entitlement_create(actor=approver, application=application)
    review = services.review_propose(actor=caseworker, entitlement=entitlement)
    services.review_decide(actor=approver, review=review, accept=True)
    # A change of circumstance: the registry tells casework, a caseworker closes the task.
    change = services.registry_changed(
        actor=caseworker, kind="income", household=entitlement.household, on=timezone.localdate()
    )
    assert change is not None
    services.change_close(actor=caseworker, change=change, note="已核实")
    relative = make_household(caseworker, address="事件路1号")
    services.relative_declare(
        actor=caseworker, person=relative.members.get(relation="head"), relation="表弟"
    )
    flagged = cases.dibao_application(caseworker, relative)
    services.relative_review_record(actor=approver, application=flagged, note="已复核")
    make_household(caseworker, head="外联", address="外联路1号")
    first, *rest = services.outreach_run(actor=caseworker)
    services.outreach_mark(actor=caseworker, candidate=first, outcome="contacted")
    services.outreach_apply(actor=caseworker, candidate=first)
    services.recipients_export_record(
        actor=caseworker, region_code="532901", filters={}, rows=1, request=None
    )
    services.appeal_record(actor=approver, application=application, outcome="复议撤销")
    # the new decision ends the entitlement of the one set aside
    second = make_user("approver_events_2", roles.APPROVER, ["532901"])
    services.decision_approve(actor=second, application=application)
    # A refused case; one suspended, resumed and withdrawn.
    refused = cases.dibao_application(caseworker)
    cases.to_decision(caseworker, cast, refused)
    services.decision_refuse(actor=approver, application=refused, note="收入未申报")
    other = cases.dibao_application(caseworker, make_household(caseworker))
    services.procedure_suspend(actor=caseworker, application=other, reason="外出")
    services.procedure_resume(actor=caseworker, application=other)
    services.application_withdraw(actor=caseworker, application=other, reason="不再申请")
    # The checks with the other registries.
    checked = cases.dibao_application(caseworker)
    cases.authorize(caseworker, checked)
    services.verification_run(actor=caseworker, application=checked)
    # The county's spot-check of the cases decided today, and one re-check.
    checker = make_user("checker_events", roles.APPROVER, ["532901"])
    today = timezone.localdate()
    drawn = services.spot_check_draw(
        actor=checker, county_code="532901", starts_on=today, ends_on=today
    )
    services.spot_check_record(actor=checker, item=drawn.items.first(), result="confirmed")
    # A case carried over from the office's previous system (in Yangbi: the payments part pays
    # Dali's dibao and expects its own cases only).
    yangbi = make_user("approver_events_b", roles.APPROVER, ["532922"])
    services.caseload_carry_over(
        actor=yangbi,
        rows=[
            services.CarryOverRow(
                household=make_household(
                    make_user("caseworker_events_b", roles.CASEWORKER, ["532922"]),
                    village=VILLAGE_B,
                    head="转入",
                ),
                program="dibao",
                decision_number="漾濞县民政局〔2024〕9号",
                decided_on=dt.date(2024, 3, 12),
                start_month=dt.date(2024, 4, 1),
            )
        ],
    )
