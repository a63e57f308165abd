"""Casework services: carrying over an office's caseload from its previous system.

An office that starts with Huimin already pays people: their cases were decided elsewhere, with
a decision number and date. `caseload_carry_over` takes a batch of them (household or person,
program, the original number, date and start month), runs the rules on the registry's facts for
all of them at once, and records for each one that qualifies what `decision_approve` and
`entitlement_create` record for a new case: an application (channel "carried over", approved),
a decision with the rules' explanation frozen, and an entitlement with its snapshot, whose amount
is the rules' amount for the first month Huimin pays (the month after the carry-over). A batch is
one transaction: one row that does not qualify, or is carried over already, refuses the whole
batch with every refused row and the failed criteria, so nothing is half-written.
"""

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from huimin.casework.assessment import payment_month
from huimin.casework.models import (
    Application,
    ApplicationStatus,
    Channel,
    Decision,
    DecisionOutcome,
    Entitlement,
    EntitlementStatus,
    LetterSequence,
    Program,
)
from huimin.casework.procedure import PROCEDURES
from huimin.casework.services._common import OFFICE_DIGITS, _require, _today
from huimin.casework.services.decisions import (
    REVIEW_MONTHS_CHANGING,
    REVIEW_MONTHS_STABLE,
    _plain,
    add_months,
)
from huimin.casework.services.reviews import RUNNING
from huimin.core.access import covers
from huimin.core.audit import audit_record_many
from huimin.core.errors import ValidationFailed
from huimin.core.models import User
from huimin.programs.evaluation import period_from
from huimin.programs.frames import population_from_registry
from huimin.programs.parameters import live_parameters
from huimin.registry.models import Household, HouseholdStatus, Person
from huimin.rules import Population, explain_many
from huimin.rules.explain import ParameterUse, ProgramExplanation

# 大理市民政局〔2024〕17号: the office, the year and the serial of the original letter.
LETTER_NUMBER = re.compile(r"^(?P<office>.+)〔(?P<year>\d{4})〕(?P<serial>\d+)号$")
HOUSEHOLD_PROGRAMS = frozenset({Program.DIBAO})
ONE_OFF_PROGRAMS = frozenset({Program.TEMPORARY, Program.DISASTER})
SHOWN_REFUSALS = 20  # in the message; `refused` keeps them all


@dataclass(frozen=True)
class CarryOverRow:
    """One case of the previous system. `person` is the recipient of a person-level allowance
    (tekun, old-age, disability, children) and the applicant of a household one (default: the
    head). `review_due` is the next review the previous system had set, if any."""

    household: Household
    program: str
    decision_number: str
    decided_on: dt.date
    start_month: dt.date
    person: Person | None = None
    review_due: dt.date | None = None


@dataclass(frozen=True)
class CarriedOver:
    entitlements: list[Entitlement]
    period: str  # the month the amounts are the rules' for

    @property
    def monthly_fen(self) -> int:
        return sum(e.monthly_fen for e in self.entitlements)


class CarryOverRefused(ValidationFailed):
    """Rows of a batch that cannot be carried over: `refused` holds (row number, reason)."""

    def __init__(self, refused: list[tuple[int, str]]) -> None:
        shown = "; ".join(f"row {n}: {reason}" for n, reason in refused[:SHOWN_REFUSALS])
        more = len(refused) - SHOWN_REFUSALS
        if more > 0:
            shown += "; " + _("and %(n)d more") % {"n": more}
        message = _("Nothing was carried over: %(n)d rows are refused: %(rows)s") % {
            "n": len(refused),
            "rows": shown,
        }
        super().__init__(message, field="rows")
        self.refused = refused


@transaction.atomic
def caseload_carry_over(
    *, actor: User, rows: Sequence[CarryOverRow], on: dt.date | None = None
) -> CarriedOver:
    """Carry the rows over (all or none); returns the entitlements made, in the rows' order."""
    _require(actor, "casework.decide_application")
    if not rows:
        raise ValidationFailed(_("There is nothing to carry over."), field="rows")
    on = on or _today()
    month = period_from(payment_month(on).strftime("%Y-%m"))
    # Two carry-overs of the same household at once: the second waits, then finds it running.
    list(Household.objects.select_for_update().filter(pk__in={r.household.pk for r in rows}))
    refused = _refuse_by_form(actor, rows, on)
    if refused:
        raise CarryOverRefused(refused)
    entries = _assess(rows, month_label=month.label, as_of=month.end)
    refused = [
        (number, _not_qualifying(row, entry))
        for number, (row, entry) in enumerate(zip(rows, entries, strict=True), start=1)
        if not entry.eligible
    ]
    if refused:
        raise CarryOverRefused(refused)
    entitlements = _record(actor, rows, entries, on=on)
    return CarriedOver(entitlements=entitlements, period=month.label)


# Checks before the rules -------------------------------------------------------------------


def _refuse_by_form(
    actor: User, rows: Sequence[CarryOverRow], on: dt.date
) -> list[tuple[int, str]]:
    """Every row's problems that need no rules: jurisdiction, program, number, dates, repeats."""
    running = _running(rows)
    numbers = _numbers_in_use(rows)
    seen_cases: set[tuple[str, int, int | None]] = set()
    seen_numbers: set[str] = set()
    refused = []
    for number, row in enumerate(rows, start=1):
        case = (row.program, row.household.pk, _recipient_id(row))
        problem = _row_problem(actor, row, on) or _repeat_problem(
            row, case, running, numbers, seen_cases, seen_numbers
        )
        seen_cases.add(case)
        seen_numbers.add(row.decision_number)
        if problem:
            refused.append((number, problem))
    return refused


def _row_problem(actor: User, row: CarryOverRow, on: dt.date) -> str:
    household = row.household
    if not covers(actor, household.region_code):
        return _("household %(no)s is outside your area") % {"no": household.household_no}
    if household.status != HouseholdStatus.ACTIVE:
        return _("household %(no)s is closed") % {"no": household.household_no}
    if row.program not in PROCEDURES or row.program in ONE_OFF_PROGRAMS:
        return _("“%(program)s” is not a program with a monthly entitlement") % {
            "program": row.program
        }
    if row.program not in HOUSEHOLD_PROGRAMS and row.person is None:
        return _("%(program)s is paid to a person: give the recipient") % {
            "program": Program(row.program).label
        }
    if row.person is not None and row.person.household_id != household.pk:
        return _("the recipient is not a member of household %(no)s") % {
            "no": household.household_no
        }
    if not LETTER_NUMBER.match(row.decision_number):
        return _("“%(number)s” is not a decision number like 大理市民政局〔2024〕17号") % {
            "number": row.decision_number
        }
    if row.decided_on > on:
        return _("the decision date %(day)s is in the future") % {"day": row.decided_on}
    if row.start_month.day != 1 or row.start_month < row.decided_on.replace(day=1):
        return _("the start month must be the first of a month, not before the decision")
    return ""


def _repeat_problem(
    row: CarryOverRow,
    case: tuple[str, int, int | None],
    running: set[tuple[str, int, int | None]],
    numbers: set[tuple[str, int, int]],
    seen_cases: set[tuple[str, int, int | None]],
    seen_numbers: set[str],
) -> str:
    if case in running or case in seen_cases:
        return _("household %(no)s already receives %(program)s") % {
            "no": row.household.household_no,
            "program": Program(row.program).label,
        }
    if _number_key(row) in numbers or row.decision_number in seen_numbers:
        return _("the decision %(number)s is recorded already") % {"number": row.decision_number}
    return ""


def _recipient_id(row: CarryOverRow) -> int | None:
    return None if row.program in HOUSEHOLD_PROGRAMS or row.person is None else row.person.pk


def _running(rows: Sequence[CarryOverRow]) -> set[tuple[str, int, int | None]]:
    """(program, household, person) of the entitlements already running for these households."""
    found = Entitlement.objects.filter(
        household__in=[row.household.pk for row in rows],
        status__in=[*RUNNING, EntitlementStatus.SUSPENDED],
    ).values_list("program", "household_id", "person_id")
    return {
        (program, household, None if program in HOUSEHOLD_PROGRAMS else person)
        for program, household, person in found
    }


def _number_key(row: CarryOverRow) -> tuple[str, int, int]:
    match = LETTER_NUMBER.match(row.decision_number)
    assert match is not None  # noqa: S101 - checked by _row_problem before
    return (row.household.region_code[:OFFICE_DIGITS], int(match["year"]), int(match["serial"]))


def _numbers_in_use(rows: Sequence[CarryOverRow]) -> set[tuple[str, int, int]]:
    offices = {row.household.region_code[:OFFICE_DIGITS] for row in rows}
    return set(
        Decision.objects.filter(office_code__in=offices).values_list(
            "office_code", "letter_year", "letter_serial"
        )
    )


# The rules, for the whole batch at once ----------------------------------------------------


def _assess(
    rows: Sequence[CarryOverRow], *, month_label: str, as_of: dt.date
) -> list[ProgramExplanation]:
    """Each row's explanation, from one evaluation of all the batch's households. A household
    carried over onto dibao in the same batch counts as on dibao for the allowances that ask
    (when its dibao row is refused, the batch is refused anyway)."""
    households = Household.objects.filter(pk__in={row.household.pk for row in rows})
    population = population_from_registry(households, as_of=as_of)
    on_dibao = set(
        Entitlement.objects.filter(
            household__in=households,
            program=Program.DIBAO,
            status__in=[EntitlementStatus.ACTIVE, EntitlementStatus.GRADUAL_EXIT],
        ).values_list("household_id", flat=True)
    ) | {row.household.pk for row in rows if row.program == Program.DIBAO}
    frame = population.households
    frame = frame.with_columns(
        pl.col("household_id")
        .is_in(list(on_dibao))
        .cast(frame.schema["on_dibao"])
        .alias("on_dibao")
    )
    population = Population(frame, population.persons, population.incomes)
    programs = sorted({row.program for row in rows})
    explained = explain_many(population, month_label, live_parameters(), programs=programs)
    by_case = {
        (name, entry.household_id, entry.person_id): entry
        for name, entries in explained.items()
        for entry in entries
    }
    return [_entry_of(row, by_case) for row in rows]


def _entry_of(
    row: CarryOverRow, by_case: dict[tuple[str, int, int | None], ProgramExplanation]
) -> ProgramExplanation:
    entry = by_case.get((row.program, row.household.pk, _recipient_id(row)))
    if entry is None:  # the household has no member in that month (all died or left)
        raise ValidationFailed(
            _("The rules give no result for household %(no)s.")
            % {"no": row.household.household_no},
            field="rows",
        )
    return entry


def _not_qualifying(row: CarryOverRow, entry: ProgramExplanation) -> str:
    chinese = (get_language() or "").startswith("zh")
    failed = [
        f"{c.zh if chinese else c.en} ({c.name}: {c.value} {c.op or ''} {c.threshold})".replace(
            "  ", " "
        )
        for c in entry.criteria
        if not c.passed
    ]
    return _(
        "household %(household)s does not qualify for %(program)s in %(period)s: %(failed)s"
    ) % {
        "household": row.household.household_no,
        "program": Program(row.program).label,
        "period": entry.period,
        "failed": "; ".join(failed) or _("no amount"),
    }


# Recording ---------------------------------------------------------------------------------


def _record(
    actor: User, rows: Sequence[CarryOverRow], entries: list[ProgramExplanation], *, on: dt.date
) -> list[Entitlement]:
    heads = _heads(rows)
    applications = Application.objects.bulk_create(
        [
            Application(
                program=row.program,
                household=row.household,
                applicant_id=row.person.pk if row.person is not None else heads[row.household.pk],
                region_code=row.household.region_code,
                channel=Channel.CARRIED_OVER,
                statement=_("Carried over from the previous system: %(number)s of %(day)s")
                % {"number": row.decision_number, "day": row.decided_on.isoformat()},
                status=ApplicationStatus.APPROVED,
                created_by=actor,
            )
            for row in rows
        ]
    )
    plain_uses: dict[int, tuple[object, list[dict[str, Any]]]] = {}
    explanations = [_explanation_plain(entry, plain_uses) for entry in entries]
    decisions = Decision.objects.bulk_create(
        [
            _decision(actor, row, application, explanation, on=on)
            for row, application, explanation in zip(rows, applications, explanations, strict=True)
        ]
    )
    _advance_letter_sequences(rows)
    stable = _stable_households(rows)
    entitlements = Entitlement.objects.bulk_create(
        [
            _entitlement(row, decision, explanation, stable=row.household.pk in stable, on=on)
            for row, decision, explanation in zip(rows, decisions, explanations, strict=True)
        ]
    )
    audit_record_many(
        actor=actor,
        events=[
            {
                "action": "casework.caseload_carry_over",
                "object_type": "casework.entitlement",
                "object_id": entitlement.pk,
                "region_code": entitlement.region_code,
                "changes": {
                    "application": entitlement.decision.application_id,
                    "program": entitlement.program,
                    "household": row.household.household_no,
                    "number": row.decision_number,
                    "decided_on": row.decided_on.isoformat(),
                    "monthly_fen": entitlement.monthly_fen,
                    "start_month": entitlement.start_month.isoformat()[:7],
                },
            }
            for row, entitlement in zip(rows, entitlements, strict=True)
        ],
    )
    return entitlements


def _explanation_plain(
    entry: ProgramExplanation, plain_uses: dict[int, tuple[object, list[dict[str, Any]]]]
) -> dict[str, Any]:
    """`_plain(asdict(entry))`, as `decision_approve` stores it, without converting again the
    parameter records the batch's explanations share (most of an explanation, and of the time)."""

    def uses(records: tuple[ParameterUse, ...]) -> list[dict[str, Any]]:
        found = plain_uses.get(id(records))
        if found is None or found[0] is not records:
            found = plain_uses[id(records)] = (
                records,
                _plain({"u": [asdict(u) for u in records]})["u"],
            )
        return found[1]

    body = {f.name: getattr(entry, f.name) for f in fields(entry)}
    body["criteria"] = [
        {f.name: getattr(c, f.name) for f in fields(c) if f.name != "parameters"}
        for c in entry.criteria
    ]
    del body["parameters"]
    plain = _plain(body)
    for criterion, source in zip(plain["criteria"], entry.criteria, strict=True):
        criterion["parameters"] = uses(source.parameters)
    plain["parameters"] = uses(entry.parameters)
    return plain


def _heads(rows: Sequence[CarryOverRow]) -> dict[int, int]:
    ids = [row.household.pk for row in rows if row.person is None]
    heads = dict(
        Person.objects.filter(household__in=ids, relation="head").values_list("household_id", "id")
    )
    missing = [
        row.household.household_no
        for row in rows
        if row.person is None and row.household.pk not in heads
    ]
    if missing:
        raise ValidationFailed(
            _("Households without a head: give the applicant for %(households)s.")
            % {"households": ", ".join(missing[:SHOWN_REFUSALS])},
            field="rows",
        )
    return heads


def _decision(
    actor: User,
    row: CarryOverRow,
    application: Application,
    explanation: dict[str, Any],
    *,
    on: dt.date,
) -> Decision:
    match = LETTER_NUMBER.match(row.decision_number)
    assert match is not None  # noqa: S101 - checked by _row_problem before
    explanation["carried_over"] = {
        "number": row.decision_number,
        "decided_on": row.decided_on.isoformat(),
        "on": on.isoformat(),
        "by": actor.get_username(),
    }
    return Decision(
        application=application,
        outcome=DecisionOutcome.APPROVED,
        period=explanation["period"],
        amount_fen=explanation["amount_fen"],
        explanation=explanation,
        office_code=row.household.region_code[:OFFICE_DIGITS],
        office_name=match["office"],
        letter_year=int(match["year"]),
        letter_serial=int(match["serial"]),
        letter_number=row.decision_number,
        decided_by=actor,
        decided_on=row.decided_on,
    )


def _advance_letter_sequences(rows: Sequence[CarryOverRow]) -> None:
    """Huimin's own letters go on after the highest number carried over in each office and year,
    so a new letter never takes a number the previous system used."""
    for office, year in {_number_key(row)[:2] for row in rows}:
        sequence, _created = LetterSequence.objects.select_for_update().get_or_create(
            office_code=office, year=year
        )
        highest = Decision.objects.filter(office_code=office, letter_year=year).aggregate(
            highest=Max("letter_serial")
        )["highest"]
        if highest and highest > sequence.last:
            sequence.last = highest
            sequence.save(update_fields=["last"])


def _stable_households(rows: Sequence[CarryOverRow]) -> set[int]:
    """The households reviewed yearly (a seriously ill or severely disabled member), as
    `decisions.review_months_for` decides, for the whole batch in one query."""
    return set(
        Person.objects.filter(
            household__in=[row.household.pk for row in rows], death_date__isnull=True
        )
        .filter(Q(serious_illness=True) | Q(disability_grade__in=[1, 2]))
        .values_list("household_id", flat=True)
    )


def _entitlement(
    row: CarryOverRow, decision: Decision, explanation: dict[str, Any], *, stable: bool, on: dt.date
) -> Entitlement:
    months = REVIEW_MONTHS_STABLE if stable else REVIEW_MONTHS_CHANGING
    return Entitlement(
        program=row.program,
        household=row.household,
        person=row.person if row.program not in HOUSEHOLD_PROGRAMS else None,
        region_code=row.household.region_code,
        decision=decision,
        monthly_fen=decision.amount_fen,
        category=str(explanation.get("outputs", {}).get("coverage", ""))[:100],
        start_month=row.start_month,
        review_due=row.review_due or _next_review(row.start_month, months, on=on),
        snapshot={
            "decision": decision.letter_number,
            "period": decision.period,
            "criteria": explanation["criteria"],
            "parameters": explanation["parameters"],
            "outputs": explanation["outputs"],
            "computation_zh": explanation["computation_zh"],
            "computation_en": explanation["computation_en"],
            "carried_over": explanation["carried_over"],
        },
    )


def _next_review(start: dt.date, months: int, *, on: dt.date) -> dt.date:
    """The first review after the carry-over on the entitlement's own rhythm."""
    due = add_months(start, months)
    while due <= on:
        due = add_months(due, months)
    return due


__all__ = ["CarriedOver", "CarryOverRefused", "CarryOverRow", "caseload_carry_over"]
