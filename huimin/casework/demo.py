"""The demo's caseload: a township caseworker's real day in 532901 (大理市).

Everything is made through the services, so the audit trail and the histories are those a real
office would have:
- the office's caseload carried over from its previous system (`caseload_carry_over`), chosen
  among the households and persons the rules find eligible so that the number of persons covered
  and the yearly amount come as near as the rules allow to the office's figures (`RECIPIENTS`,
  `YEARLY_FEN`); the amounts are always the rules' own;
- applications taken since then in 下关街道 (532901003), some by the village helper, at every step of
  the procedure, some overdue; a public notice with an objection recorded and one answered; an
  application from a declared relative of the village helper; one approved and one refused, each
  with its letter; a recipient's death that suspended an entitlement; an outreach run.

The story happened over the past weeks: the services run with the clock set back to the day
each thing was done (`_on_day`), so dates, due dates and audit times are those of the story.
The builder is deterministic for a registry and seed, and does nothing when the caseload exists.
"""

import datetime as dt
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from unittest import mock

import polars as pl
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from huimin.casework import services
from huimin.casework.assessment import payment_month
from huimin.casework.models import (
    Application,
    Channel,
    DocumentKind,
    Entitlement,
    EntitlementStatus,
    Program,
    Step,
    StepStatus,
)
from huimin.casework.services.carry_over import HOUSEHOLD_PROGRAMS, CarryOverRow
from huimin.core.models import User
from huimin.programs.frames import population_from_registry
from huimin.programs.parameters import live_parameters
from huimin.registry import services as registry
from huimin.registry.models import Household, HouseholdStatus, Person
from huimin.rules import evaluate

COUNTY = "532901"
TOWNSHIP = "532901003"  # 下关街道: the village helper's, where the new applications are
RECIPIENTS = 5534  # persons covered, the office's figure
YEARLY_FEN = 358_000_000  # 3.58 million yuan a year
OFFICE = "大理市民政局"
CARRIED_OVER_DAYS_AGO = 45  # the office moved to Huimin then
BATCH = 1000  # rows per carry-over transaction
PROGRAM_SHARE = 0.01  # of the persons covered: each program's cheapest first
OUTREACH_LEFT = 12  # eligible township households left out of everything: outreach finds them
PROGRAMS = (
    Program.DIBAO,
    Program.TEKUN,
    Program.OLD_AGE,
    Program.DISABILITY_LIVING,
    Program.DISABILITY_CARE,
    Program.ORPHAN,
    Program.UNSUPPORTED_CHILD,
)
PDF = b"%PDF-1.4\n% demo: a scanned signed authorization\n"
VISIT_ITEMS = {
    "housing": "两间砖木房，屋顶漏雨",
    "income": "务农为主，无固定工资",
    "assets": "无机动车，存款不足一千元",
    "members": "与户籍登记一致",
    "health": "户主患慢性病，长期服药",
}


class DemoTooSmall(ValueError):
    """Too few people were generated for the demo's caseload."""


@dataclass(frozen=True)
class Cast:
    caseworker: User
    colleague: User  # the second visitor of a home visit
    helper: User
    approver: User


@dataclass
class Candidate:
    program: str
    household_id: int
    person_id: int | None
    region_code: str
    amount_fen: int
    persons: int  # covered: a dibao household's covered members, else 1


@dataclass
class DemoCaseload:
    carried_over: int = 0
    monthly_fen: int = 0
    applications: dict[str, int] = field(default_factory=dict)


def demo_caseload_exists() -> bool:
    return Application.objects.filter(
        channel=Channel.CARRIED_OVER, region_code__startswith=COUNTY
    ).exists()


def demo_caseload_build(
    *, scale: float = 1.0, seed: int = 2026, today: dt.date | None = None
) -> DemoCaseload | None:
    """Build the caseload (None when it exists already). `scale` shrinks the targets (tests)."""
    if demo_caseload_exists():
        return None
    today = today or timezone.localdate()
    cast = _cast()
    rng = random.Random(seed)  # noqa: S311 - demo data, reproducible on purpose
    carried_on = today - dt.timedelta(days=CARRIED_OVER_DAYS_AGO)
    candidates = _eligible(carried_on)
    reserved = _reserve_for_new_applications(candidates, rng)
    chosen = _choose(
        [c for c in candidates if c.household_id not in reserved],
        persons=round(RECIPIENTS * scale),
        monthly_fen=round(YEARLY_FEN * scale / 12),
    )
    made = DemoCaseload()
    serials: dict[int, int] = {}
    with _on_day(carried_on, today):
        for start in range(0, len(chosen), BATCH):
            batch = _carry_over_rows(chosen[start : start + BATCH], rng, carried_on, serials)
            result = services.caseload_carry_over(actor=cast.approver, rows=batch, on=carried_on)
            made.carried_over += len(result.entitlements)
            made.monthly_fen += result.monthly_fen
    dibao = {c.household_id for c in candidates if c.program == Program.DIBAO}
    _new_applications(cast, reserved, dibao, rng, today)
    made.applications = dict(
        Step.objects.filter(status=StepStatus.OPEN, application__region_code__startswith=COUNTY)
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    return made


def persons_covered(entitlements: QuerySet[Entitlement]) -> int:
    """The persons these entitlements pay for, each once: a dibao family's covered members
    (as decided, `outputs.covered_members`), and the recipient of an allowance who does not
    live in a family on dibao."""
    on_dibao: set[int] = set()
    covered = 0
    people: set[int] = set()
    for program, household, person, snapshot in entitlements.values_list(
        "program", "household_id", "person_id", "snapshot"
    ):
        if program in HOUSEHOLD_PROGRAMS:
            on_dibao.add(household)
            covered += int(snapshot.get("outputs", {}).get("covered_members") or 0)
        elif person is not None:
            people.add(person)
    households = dict(Person.objects.filter(pk__in=people).values_list("pk", "household_id"))
    return covered + sum(1 for person in people if households.get(person) not in on_dibao)


def demo_figures() -> dict[str, object]:
    """What the demo's caseworker finds in 532901 (README, the demo command's last words)."""
    from huimin.casework.models import Objection, OutreachCandidate, Review

    today = timezone.localdate()
    entitlements = Entitlement.objects.filter(region_code__startswith=COUNTY)
    active = entitlements.filter(status=EntitlementStatus.ACTIVE)
    by_program = {
        program: {"entitlements": n, "monthly_fen": total}
        for program, n, total in active.order_by()
        .values_list("program")
        .annotate(n=Count("id"), total=Sum("monthly_fen"))
        .values_list("program", "n", "total")
    }
    monthly = sum(int(p["monthly_fen"]) for p in by_program.values())
    open_steps = Step.objects.filter(
        status=StepStatus.OPEN, application__region_code__startswith=COUNTY
    )
    applications = Application.objects.filter(region_code__startswith=COUNTY).exclude(
        channel=Channel.CARRIED_OVER
    )
    return {
        "persons_covered": persons_covered(active),
        "entitlements": active.count(),
        "by_program": by_program,
        "monthly_fen": monthly,
        "yearly_yuan": monthly * 12 // 100,
        "suspended": entitlements.filter(status=EntitlementStatus.SUSPENDED).count(),
        "reviews_due_30_days": active.filter(review_due__lte=today + dt.timedelta(30)).count(),
        "reviews_overdue": active.filter(review_due__lt=today).count(),
        "applications": applications.count(),
        "applications_by_step": dict(
            open_steps.order_by()
            .values_list("kind")
            .annotate(n=Count("id"))
            .values_list("kind", "n")
        ),
        "steps_overdue": open_steps.filter(due_date__lt=today).count(),
        "by_village_helper": applications.filter(channel=Channel.VILLAGE_HELPER).count(),
        "approved": applications.filter(status="approved").count(),
        "refused": applications.filter(status="refused").count(),
        "objections": Objection.objects.filter(application__region_code__startswith=COUNTY).count(),
        "objections_answered": Objection.objects.filter(
            application__region_code__startswith=COUNTY, answered_at__isnull=False
        ).count(),
        "flagged_relatives": applications.exclude(relative_flag="").count(),
        "outreach_candidates": OutreachCandidate.objects.filter(
            region_code__startswith=COUNTY
        ).count(),
        "reviews_proposed": Review.objects.filter(region_code__startswith=COUNTY).count(),
    }


def demo_caseload_summary() -> str:
    figures = demo_figures()
    programs = ", ".join(
        f"{name} {p['entitlements']} ({int(p['monthly_fen']) / 100:,.0f} yuan/month)"
        for name, p in figures["by_program"].items()  # type: ignore[attr-defined]
    )
    steps = ", ".join(
        f"{kind} {n}"
        for kind, n in figures["applications_by_step"].items()  # type: ignore[attr-defined]
    )
    return (
        f"casework: {figures['persons_covered']:,} persons covered by "
        f"{figures['entitlements']:,} active entitlements in {COUNTY}, "
        f"{figures['yearly_yuan']:,} yuan a year: {programs}\n"
        f"casework: {figures['applications']} applications since the carry-over, open at: {steps}; "
        f"{figures['steps_overdue']} overdue; {figures['reviews_due_30_days']} reviews due within "
        f"30 days ({figures['reviews_overdue']} late); {figures['objections']} objections "
        f"({figures['objections_answered']} answered); {figures['flagged_relatives']} flagged "
        f"relative; {figures['suspended']} suspended; {figures['outreach_candidates']} outreach "
        "candidates"
    )


# Who does the work --------------------------------------------------------------------------


def _cast() -> Cast:
    from huimin.core.demo import DEMO_USERS, demo_users_create

    demo_users_create()
    users = {
        u.username: u for u in User.objects.filter(username__in=[d.username for d in DEMO_USERS])
    }
    return Cast(
        caseworker=users["caseworker_dali"],
        colleague=users["caseworker_xiaguan"],
        helper=users["helper_xiaguan"],
        approver=users["approver_dali"],
    )


@contextmanager
def _on_day(day: dt.date, today: dt.date) -> Iterator[None]:
    """Run the services as on `day`: the clock is set back by the days between, and moves on."""
    real_now = timezone.now
    shift = dt.timedelta(days=(today - day).days)
    with mock.patch("django.utils.timezone.now", lambda: real_now() - shift):
        yield


# The caseload carried over -------------------------------------------------------------------


def _eligible(on: dt.date) -> list[Candidate]:
    """Every (program, household or person) of the county the rules find eligible for the first
    month Huimin pays, with its amount and the persons it covers."""
    month = payment_month(on)
    last_day = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1) - dt.timedelta(1)
    households = Household.objects.filter(
        region_code__startswith=COUNTY, status=HouseholdStatus.ACTIVE
    )
    population = population_from_registry(households, as_of=last_day)
    results = evaluate(
        population, month.strftime("%Y-%m"), live_parameters(), programs=list(PROGRAMS)
    )
    ids = population.households["household_id"].to_list()
    codes = population.households["region_code"].to_list()
    found = []
    for program, frame in results.items():
        eligible = frame.filter(pl.col("eligible") & (pl.col("amount_fen") > 0))
        person_level = program not in HOUSEHOLD_PROGRAMS
        covered = "covered_members" if not person_level else None
        for row in eligible.iter_rows(named=True):
            idx = row["household_idx"]
            found.append(
                Candidate(
                    program=program,
                    household_id=ids[idx],
                    person_id=int(row["person_id"]) if person_level else None,
                    region_code=codes[idx],
                    amount_fen=int(row["amount_fen"]),
                    persons=int(row[covered]) if covered else 1,
                )
            )
    found.sort(key=lambda c: (c.program, c.household_id, c.person_id or 0))
    return found


def _reserve_for_new_applications(candidates: list[Candidate], rng: random.Random) -> set[int]:
    """Eligible dibao households of the township kept out of the carried-over caseload: the
    new applications and the outreach candidates are theirs."""
    township = sorted(
        {
            c.household_id
            for c in candidates
            if c.program == Program.DIBAO and c.region_code.startswith(TOWNSHIP)
        }
    )
    wanted = sum(1 for s in SCRIPTS if s.eligible) + 1 + OUTREACH_LEFT  # 1: the relative
    if len(township) < wanted:
        raise DemoTooSmall(
            f"the township {TOWNSHIP} has {len(township)} households eligible for dibao, the demo "
            f"needs {wanted}: generate more people there"
        )
    rng.shuffle(township)
    return set(township[:wanted])


def _choose(candidates: list[Candidate], *, persons: int, monthly_fen: int) -> list[Candidate]:
    """The candidates whose covered persons reach `persons` with a monthly total as near
    `monthly_fen` as they allow. Each program first gets its cheapest few (`PROGRAM_SHARE` of
    the persons, or all it has: the caseload has orphans and children too); the rest are taken
    by cost per person from both ends, the cheap end while the running average is above the
    target's, the dear end while below. Persons are counted once: an allowance of someone in a
    household already on dibao adds no one."""
    ordered = sorted(
        candidates, key=lambda c: (c.amount_fen / c.persons, c.household_id, c.person_id or 0)
    )
    floor = max(1, round(persons * PROGRAM_SHARE))
    first: list[Candidate] = []
    for program in PROGRAMS:
        first += [c for c in ordered if c.program == program][:floor]
    taken = {id(c) for c in first}
    rest = [c for c in ordered if id(c) not in taken]
    target = monthly_fen / max(persons, 1)
    chosen: list[Candidate] = []
    on_dibao: set[int] = set()
    allowances: dict[int, set[int]] = {}
    covered = amount = 0
    for candidate in first:
        if covered >= persons:
            break
        chosen.append(candidate)
        covered += _persons_added(candidate, on_dibao, allowances)
        amount += candidate.amount_fen
    low, high = 0, len(rest) - 1
    while covered < persons and low <= high:
        cheap = covered == 0 or amount / covered > target
        candidate = rest[low] if cheap else rest[high]
        low, high = (low + 1, high) if cheap else (low, high - 1)
        chosen.append(candidate)
        covered += _persons_added(candidate, on_dibao, allowances)
        amount += candidate.amount_fen
    return chosen


def _persons_added(
    candidate: Candidate, on_dibao: set[int], allowances: dict[int, set[int]]
) -> int:
    household = candidate.household_id
    if candidate.program == Program.DIBAO:
        on_dibao.add(household)
        counted = len(allowances.get(household, ()))
        return max(candidate.persons - counted, 0)
    people = allowances.setdefault(household, set())
    if household in on_dibao or candidate.person_id in people:
        return 0
    people.add(candidate.person_id or 0)
    return 1


def _carry_over_rows(
    chosen: list[Candidate], rng: random.Random, on: dt.date, serials: dict[int, int]
) -> list[CarryOverRow]:
    households = Household.objects.in_bulk([c.household_id for c in chosen])
    people = Person.objects.in_bulk([c.person_id for c in chosen if c.person_id])
    rows = []
    for candidate in chosen:
        decided_on = on - dt.timedelta(days=rng.randint(60, 4 * 365))
        start = payment_month(decided_on)
        review_due = _review_due(rng, on)
        rows.append(
            CarryOverRow(
                household=households[candidate.household_id],
                program=candidate.program,
                person=people.get(candidate.person_id) if candidate.person_id else None,
                decision_number=_number(decided_on, serials),
                decided_on=decided_on,
                start_month=start,
                review_due=review_due,
            )
        )
    return rows


def _number(decided_on: dt.date, serials: dict[int, int]) -> str:
    serial = serials[decided_on.year] = serials.get(decided_on.year, 0) + 1
    return f"{OFFICE}〔{decided_on.year}〕{serial}号"


def _review_due(rng: random.Random, on: dt.date) -> dt.date:
    """The next review the previous system had set: a few already late, some due in the coming
    month, the rest over the year."""
    draw = rng.random()
    if draw < 0.02:
        return on + dt.timedelta(days=rng.randint(20, 40))  # late by today (45 days on)
    if draw < 0.08:
        return on + dt.timedelta(days=rng.randint(46, 75))  # due within a month of today
    return on + dt.timedelta(days=rng.randint(76, 400))


# The applications since the carry-over -----------------------------------------------------

# Days before today on which the township's notices went up (round A closed eight days later;
# round B is still up).
NOTICE_A_POSTED, NOTICE_A_CLOSED, NOTICE_B_POSTED = 24, 16, 3
FULL = ("take", "verify", "visit", "appraise", "opinion")


@dataclass(frozen=True)
class Script:
    """One application's story: the actions (in procedure order) and the day, counted back from
    today, of each; `then` are the actions after the notice it went through."""

    name: str
    before: tuple[tuple[str, int], ...]
    then: tuple[tuple[str, int], ...] = ()
    by_helper: bool = False
    eligible: bool = True


def _steps(days: tuple[int, ...], by: tuple[str, ...] = FULL) -> tuple[tuple[str, int], ...]:
    return tuple(zip(by, days, strict=False))


# Several at each step, the first of each overdue (its step opened long ago).
SCRIPTS = (
    Script("verification overdue", _steps((30,))),
    Script("verification", _steps((5,)), by_helper=True),
    Script("verification new", _steps((0,)), by_helper=True),
    Script("home visit overdue", _steps((26, 20))),
    Script("home visit", _steps((6, 4)), by_helper=True),
    Script("home visit new", _steps((2, 1))),
    Script("appraisal overdue", _steps((34, 31, 25))),
    Script("appraisal", _steps((7, 5, 3))),
    Script("appraisal new", _steps((4, 2, 1)), by_helper=True),
    Script("opinion overdue", _steps((35, 30, 26, 20))),
    Script("opinion", _steps((9, 6, 4, 2))),
    Script("opinion new", _steps((6, 4, 2, 1)), by_helper=True),
    Script("notice waiting", _steps((12, 9, 6, 4, 2))),
    Script("notice waiting new", _steps((8, 6, 4, 3, 1)), by_helper=True),
    Script("notice objected", _steps((15, 13, 11, 9, 6)), then=(("object", 2),)),
    Script(
        "notice objection answered",
        _steps((16, 14, 12, 10, 7)),
        then=(("object", 2), ("answer", 1)),
    ),
    Script("notice posted", _steps((14, 12, 10, 8, 5)), by_helper=True),
    Script("decision overdue", _steps((44, 40, 36, 32, 28))),
    Script("decision", _steps((42, 39, 35, 31, 27))),
    Script("decision second", _steps((41, 38, 34, 30, 26)), by_helper=True),
    Script("letter overdue", _steps((43, 40, 36, 32, 28)), then=(("approve", 12),)),
    Script("letter", _steps((40, 37, 33, 29, 27)), then=(("approve", 2),)),
    Script(
        "entitlement overdue",
        _steps((43, 39, 35, 31, 27)),
        then=(("approve", 10), ("letter", 9)),
    ),
    Script("entitlement", _steps((42, 38, 34, 30, 26)), then=(("approve", 3), ("letter", 2))),
    Script(
        "approved",
        _steps((44, 41, 37, 33, 29)),
        then=(("approve", 14), ("letter", 13), ("entitle", 12)),
    ),
    Script(
        "refused",
        _steps((44, 41, 37, 33, 29)),
        then=(("refuse", 11), ("letter", 10)),
        eligible=False,
    ),
)
RELATIVE_DECLARED, RELATIVE_APPLIED, RELATIVE_VERIFIED = 9, 8, 7
DEATH_RECORDED = 5
OUTREACH_RUN = 1


@dataclass(frozen=True)
class Action:
    days_ago: int
    order: int
    name: str
    do: Callable[[], object]


def _new_applications(
    cast: Cast, reserved: set[int], dibao: set[int], rng: random.Random, today: dt.date
) -> None:
    homes = sorted(reserved)
    rng.shuffle(homes)
    refusable = _not_eligible_household(dibao)
    actions: list[Action] = []
    cases: dict[str, Application] = {}
    for order, script in enumerate(SCRIPTS):
        household = homes.pop() if script.eligible else refusable
        actions += _script_actions(cast, script, household, cases, order)
    actions += _notice_rounds(cast, today)
    actions += _relative_actions(cast, homes.pop(), cases)
    actions.append(Action(DEATH_RECORDED, 0, "death", lambda: _record_death(cast)))
    actions.append(
        # The village helper runs it for the township's villages (政策找人 door to door).
        Action(OUTREACH_RUN, 0, "outreach", lambda: services.outreach_run(actor=cast.helper))
    )
    for action in sorted(actions, key=lambda a: (-a.days_ago, a.order)):
        with _on_day(today - dt.timedelta(days=action.days_ago), today):
            action.do()


def _script_actions(
    cast: Cast, script: Script, household_id: int, cases: dict[str, Application], order: int
) -> list[Action]:
    name = script.name
    actions = []
    for step, days_ago in (*script.before, *script.then):
        do = _step_action(cast, script, step, household_id, cases)
        actions.append(Action(days_ago, order, f"{name}: {step}", do))
    return actions


def _step_action(  # noqa: C901 - one branch per step of the procedure
    cast: Cast, script: Script, step: str, household_id: int, cases: dict[str, Application]
) -> Callable[[], object]:
    def application() -> Application:
        return Application.objects.get(pk=cases[script.name].pk)

    if step == "take":
        return lambda: cases.__setitem__(
            script.name, _take(cast, household_id, by_helper=script.by_helper)
        )
    if step == "verify":
        return lambda: _verify(cast.caseworker, application())
    if step == "visit":
        return lambda: services.home_visit_record(
            actor=cast.caseworker,
            application=application(),
            second_staff=cast.colleague,
            visited_on=timezone.localdate(),
            items=VISIT_ITEMS,
            family_confirmed=True,
            staff_confirmed=True,
        )
    if step == "appraise":
        present = 11
        return lambda: services.appraisal_record(
            actor=cast.helper,
            application=application(),
            held_on=timezone.localdate(),
            present=present,
            in_favour=9 if script.eligible else 3,
        )
    if step == "opinion":
        return lambda: services.township_opinion_record(
            actor=cast.caseworker,
            application=application(),
            recommend=script.eligible,
            note="经入户调查和民主评议，同意上报"
            if script.eligible
            else "收入超过标准，不建议批准",
        )
    if step == "approve":
        return lambda: services.decision_approve(actor=cast.approver, application=application())
    if step == "refuse":
        return lambda: services.decision_refuse(actor=cast.approver, application=application())
    if step == "letter":
        return lambda: services.letter_issue(actor=cast.approver, application=application())
    if step == "entitle":
        return lambda: services.entitlement_create(actor=cast.approver, application=application())
    if step == "object":
        return lambda: _object(cast, application())
    if step == "answer":
        return lambda: services.objection_answer(
            actor=cast.caseworker,
            objection=application().objections.get(),
            answer="已重新入户核查：该户所称的经营收入为季节性零工，已按实际收入计算",
        )
    raise ValueError(step)


def _take(cast: Cast, household_id: int, *, by_helper: bool) -> Application:
    household = Household.objects.get(pk=household_id)
    return services.application_create(
        actor=cast.helper if by_helper else cast.caseworker,
        household=household,
        applicant=household.members.get(relation="head"),
        program=Program.DIBAO,
        channel=Channel.VILLAGE_HELPER if by_helper else Channel.WINDOW,
        statement="家中收入低，生活困难，申请最低生活保障",
    )


def _verify(caseworker: User, application: Application) -> None:
    document = services.document_attach(
        actor=caseworker,
        application=application,
        kind=DocumentKind.AUTHORIZATION,
        file_name="核对授权书.pdf",
        data=PDF,
    )
    on = timezone.localdate()
    services.authorization_record(
        actor=caseworker,
        application=application,
        signers=[m for m in application.household.members.all() if m.death_date is None],
        signed_on=on,
        document=document,
    )
    for finding in services.verification_run(actor=caseworker, application=application):
        services.finding_dismiss(
            actor=caseworker,
            finding=finding,
            reason="入户核实：家属出示了证明材料，登记信息无误",
        )
    services.verification_complete(actor=caseworker, application=application)


def _object(cast: Cast, application: Application) -> None:
    notice = application.steps.get(status=StepStatus.OPEN).notices.get()
    services.objection_record(
        actor=cast.helper,
        application=application,
        notice=notice,
        text="村民反映该户家中有人在外打工，收入未如实申报",
        objector="",
    )


def _notice_rounds(cast: Cast, today: dt.date) -> list[Action]:
    def post() -> None:
        villages = Step.objects.filter(
            kind="public_notice",
            status=StepStatus.OPEN,
            application__region_code__startswith=TOWNSHIP,
            notices__isnull=True,
        ).values_list("application__region_code", flat=True)
        for village in sorted(set(villages)):
            services.notice_publish(
                actor=cast.helper, village_code=village, starts_on=timezone.localdate()
            )

    def close() -> None:
        from huimin.casework.models import Notice

        for notice in Notice.objects.filter(region_code__startswith=TOWNSHIP, status="posted"):
            services.notice_close(actor=cast.helper, notice=notice)

    return [
        Action(NOTICE_A_POSTED, -1, "notice A posted", post),
        Action(NOTICE_A_CLOSED, -1, "notice A closed", close),
        Action(NOTICE_B_POSTED, -1, "notice B posted", post),
    ]


def _relative_actions(cast: Cast, household_id: int, cases: dict[str, Application]) -> list[Action]:
    """The village helper declared a cousin; the cousin's family applied the next day."""
    script = Script("relative", _steps((RELATIVE_APPLIED, RELATIVE_VERIFIED)))

    def declare() -> None:
        relative = (
            Person.objects.filter(household_id=household_id, death_date__isnull=True)
            .order_by("id")
            .first()
        )
        if relative is None:  # reserved households are eligible ones: they have living members
            raise DemoTooSmall(f"household {household_id} has no living member to declare")
        services.relative_declare(actor=cast.helper, person=relative, relation="表兄弟")

    return [
        Action(RELATIVE_DECLARED, 0, "relative declared", declare),
        *_script_actions(cast, script, household_id, cases, len(SCRIPTS)),
    ]


def _not_eligible_household(dibao: set[int]) -> int:
    """A township household the rules do not find eligible for dibao: its application is refused."""
    carried = set(Entitlement.objects.values_list("household_id", flat=True))
    for household in (
        Household.objects.filter(region_code__startswith=TOWNSHIP, status=HouseholdStatus.ACTIVE)
        .exclude(pk__in=dibao | carried)
        .order_by("id")
        .values_list("pk", flat=True)[:200]
    ):
        return int(household)
    raise LookupError("no household left in the township to refuse")


def _record_death(cast: Cast) -> None:
    """A member of a township family on dibao died: its payment is suspended at once."""
    entitlement = (
        Entitlement.objects.filter(
            program=Program.DIBAO,
            region_code__startswith=TOWNSHIP,
            status=EntitlementStatus.ACTIVE,
        )
        .order_by("id")
        .first()
    )
    if entitlement is None:
        return
    member = (
        Person.objects.filter(household_id=entitlement.household_id, death_date__isnull=True)
        .exclude(relation="head")
        .order_by("id")
        .first()
    )
    if member is None:
        return
    registry.person_record_death(
        actor=cast.caseworker, person=member, death_date=timezone.localdate() - dt.timedelta(1)
    )
