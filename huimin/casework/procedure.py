"""The procedure as data: which steps each program needs, in order, and each step's time limit.

A time limit is a dated regional parameter (huimin/rules/parameters/procedure.yaml), resolved for
the application's village and the month the step opens, so an office changes it like any other
parameter. A limit in "working days" is counted on the official calendar (`deadlines.due_date`);
one in "days" (a public notice) in calendar days.
"""

import datetime as dt
from dataclasses import dataclass

from huimin.casework.deadlines import DueDate, due_date
from huimin.casework.models import Program, StepKind
from huimin.programs.parameters import live_parameters

CALENDAR_DAYS = "days"


@dataclass(frozen=True)
class StepSpec:
    kind: str
    limit: str  # the parameter holding the time limit
    # who may do it: a permission codename in the casework app
    permission: str


_PREPARE = "casework.prepare_application"
_APPRAISE = "casework.record_appraisal"
_DECIDE = "casework.decide_application"

_FULL = (
    StepSpec(StepKind.VERIFICATION, "procedure.dibao.verification_days", _PREPARE),
    StepSpec(StepKind.HOME_VISIT, "procedure.dibao.home_visit_days", _PREPARE),
    StepSpec(StepKind.APPRAISAL, "procedure.dibao.appraisal_days", _APPRAISE),
    StepSpec(StepKind.TOWNSHIP_OPINION, "procedure.dibao.township_opinion_days", _PREPARE),
    StepSpec(StepKind.PUBLIC_NOTICE, "procedure.notice_days", _APPRAISE),
    StepSpec(StepKind.DECISION, "procedure.dibao.decision_days", _DECIDE),
    StepSpec(StepKind.LETTER, "procedure.letter_days", _DECIDE),
    StepSpec(StepKind.ENTITLEMENT, "procedure.entitlement_days", _DECIDE),
)
_TEMPORARY = (
    StepSpec(StepKind.VERIFICATION, "procedure.temporary.review_days", _PREPARE),
    StepSpec(StepKind.TOWNSHIP_OPINION, "procedure.temporary.review_days", _PREPARE),
    StepSpec(StepKind.PUBLIC_NOTICE, "procedure.renotice_days", _APPRAISE),
    StepSpec(StepKind.DECISION, "procedure.temporary.review_days", _DECIDE),
    StepSpec(StepKind.LETTER, "procedure.letter_days", _DECIDE),
    StepSpec(StepKind.ENTITLEMENT, "procedure.entitlement_days", _DECIDE),
)
# Help first, verify later (SAIM §48): the township decides and pays, the checks follow.
_TEMPORARY_HELP_FIRST = (
    StepSpec(StepKind.DECISION, "procedure.temporary.review_days", _DECIDE),
    StepSpec(StepKind.LETTER, "procedure.letter_days", _DECIDE),
    StepSpec(StepKind.ENTITLEMENT, "procedure.entitlement_days", _DECIDE),
    StepSpec(StepKind.VERIFICATION, "procedure.temporary.help_first_days", _PREPARE),
)
# Housing reconstruction (NDRR §20): appraisal, notice, township review, county approval.
_DISASTER = (
    StepSpec(StepKind.APPRAISAL, "procedure.dibao.appraisal_days", _APPRAISE),
    StepSpec(StepKind.PUBLIC_NOTICE, "procedure.notice_days", _APPRAISE),
    StepSpec(StepKind.TOWNSHIP_OPINION, "procedure.dibao.township_opinion_days", _PREPARE),
    StepSpec(StepKind.DECISION, "procedure.dibao.decision_days", _DECIDE),
    StepSpec(StepKind.LETTER, "procedure.letter_days", _DECIDE),
    StepSpec(StepKind.ENTITLEMENT, "procedure.entitlement_days", _DECIDE),
)

# The allowances paid per person on a fact the registry holds (an age, a disability grade, a
# child's situation): checked against the registry, reviewed by the township, decided by the
# county; no appraisal or notice (they are not means-tested assistance).
_ALLOWANCE = (
    StepSpec(StepKind.VERIFICATION, "procedure.dibao.verification_days", _PREPARE),
    StepSpec(StepKind.TOWNSHIP_OPINION, "procedure.dibao.township_opinion_days", _PREPARE),
    StepSpec(StepKind.DECISION, "procedure.dibao.decision_days", _DECIDE),
    StepSpec(StepKind.LETTER, "procedure.letter_days", _DECIDE),
    StepSpec(StepKind.ENTITLEMENT, "procedure.entitlement_days", _DECIDE),
)

PROCEDURES: dict[str, tuple[StepSpec, ...]] = {
    Program.DIBAO: _FULL,
    Program.TEKUN: _FULL,
    Program.TEMPORARY: _TEMPORARY,
    Program.DISASTER: _DISASTER,
    Program.OLD_AGE: _ALLOWANCE,
    Program.DISABILITY_LIVING: _ALLOWANCE,
    Program.DISABILITY_CARE: _ALLOWANCE,
    Program.ORPHAN: _ALLOWANCE,
    Program.UNSUPPORTED_CHILD: _ALLOWANCE,
}
# Steps redone after an objection to a notice: a new investigation and a shorter notice.
REINVESTIGATION = (
    StepSpec(StepKind.HOME_VISIT, "procedure.dibao.home_visit_days", _PREPARE),
    StepSpec(StepKind.PUBLIC_NOTICE, "procedure.renotice_days", _APPRAISE),
)


def steps_for(program: str, *, help_first: bool = False) -> tuple[StepSpec, ...]:
    if program == Program.TEMPORARY and help_first:
        return _TEMPORARY_HELP_FIRST
    return PROCEDURES[program]


def spec_of(kind: str, program: str) -> StepSpec:
    for spec in (*PROCEDURES[program], *REINVESTIGATION):
        if spec.kind == kind:
            return spec
    raise KeyError(kind)


def step_due(*, limit: str, region_code: str, opened_on: dt.date) -> DueDate:
    """When a step opened on `opened_on` in this village is due."""
    record = live_parameters().resolve(limit, region_code, opened_on.strftime("%Y-%m"))
    days = int(record.value)
    if record.unit == CALENDAR_DAYS:
        return DueDate(day=opened_on + dt.timedelta(days=days), provisional=False)
    return due_date(opened_on, days)


def limit_days(*, limit: str, region_code: str, on: dt.date) -> int:
    return int(live_parameters().resolve(limit, region_code, on.strftime("%Y-%m")).value)
