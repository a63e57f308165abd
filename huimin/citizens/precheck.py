""" "Might I qualify?": a citizen's answers as the facts the rules read, run through the rules.

Nothing is stored. The answers become one household record (`huimin.rules.records`), which goes
through `huimin.rules.explain` with the parameters in force (`programs.parameters.live_parameters`)
for the chosen township (or county) — the very evaluation a caseworker's pre-assessment runs, never a copy of
the rules. The result says per program "you may qualify, about X yuan a month", or which condition
is not met and by how much.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from huimin.core.errors import ValidationFailed
from huimin.core.regions import full_code
from huimin.programs.parameters import live_parameters
from huimin.rules import RulesError, explain
from huimin.rules.explain import CriterionResult, ProgramExplanation
from huimin.rules.periods import parse_period
from huimin.rules.wording import MONEY_UNITS, rule_words, value_words

# Every program the rules know, in the order the page shows them. Special care rests on a
# veteran's or martyr's family's certificate and disaster relief on a disaster event: the township
# checks both, the questionnaire only asks about them.
PRECHECK_PROGRAMS = (
    "dibao",
    "tekun",
    "temporary",
    "disability_living",
    "disability_care",
    "old_age",
    "orphan",
    "unsupported_child",
    "special_care",
    "disaster",
)
GUIDE_OF = {"unsupported_child": "orphan"}  # the guide that covers a program, when not its own
NO_GUIDE = frozenset({"special_care"})  # programs without a portal guide (the township explains)
ONE_OFF = frozenset({"disaster", "temporary"})  # paid once for the event, not every month
# The kinds of person entitled to special care (优抚), as the rules name them; "" is none.
SPECIAL_CARE_CATEGORIES = (
    "disabled_veteran",
    "martyr_family",
    "died_on_duty_family",
    "veteran_in_difficulty",
)
# A child's parents, as the questionnaire asks it, and the statuses the rules read. "Cannot look
# after" stands for any of the rules' reasons (severely disabled, seriously ill, imprisoned,
# missing…); the township checks which one, and how long it has lasted.
PARENTS: dict[str, tuple[str, str]] = {
    "": ("present", "present"),
    "both_dead": ("dead", "dead"),
    "one_dead_other_unable": ("dead", "severely_disabled"),
    "both_unable": ("severely_disabled", "severely_disabled"),
}
MAX_MEMBERS = 6


@dataclass(frozen=True)
class Member:
    age: int
    disability_category: int | None = None
    disability_grade: int | None = None
    serious_illness: bool = False
    student: bool = False
    able_to_work: bool = True
    has_supporter: bool = True
    earnings_fen: int = 0  # wages, farming, business: what this person earns in a month
    basic_pension_fen: int = 0  # the residents' basic old-age pension, a month
    parents: str = ""  # a key of PARENTS
    special_care: str = ""  # one of SPECIAL_CARE_CATEGORIES, or "" for none
    special_care_grade: int | None = None  # a disabled veteran's assessed grade, 1-10


@dataclass(frozen=True)
class Disaster:
    """What a natural disaster did to the household, as the relief rules read it."""

    deaths: int = 0
    home_destroyed: bool = False
    days_away_from_home: int = 0  # days in temporary shelter (transitional resettlement)
    persons_in_need_winter: int = 0  # persons short of food or warmth in winter and spring


@dataclass(frozen=True)
class Answers:
    county: str  # short code of the county
    residence_type: str  # "urban" | "rural"
    members: tuple[Member, ...]
    # Other money of the household in a month (relatives outside it, rent, interest, a
    # retirement pension), counted as the first person's "other" income.
    income_fen: int
    township: str = ""  # short code of the township, when known: its own values apply
    financial_assets_fen: int = 0
    vehicle_value_fen: int = 0
    home_count: int = 1
    commercial_property_count: int = 0
    emergency_expense_fen: int = 0  # a large expense this month (illness, accident, fire)
    disaster: Disaster = Disaster()


def _birth_date(age: int, period_end: dt.date) -> dt.date:
    """A birth date that makes the person `age` on the last day of the month (the rules' day)."""
    return dt.date(period_end.year - age, period_end.month, 1)


def facts_from_answers(answers: Answers, period: str) -> dict[str, Any]:
    """The household record (see huimin.rules.records) that the answers describe."""
    if not answers.members:
        raise ValidationFailed(_("Give the age of at least one person in the household."))
    end = parse_period(period).end
    since = dt.date(end.year - 2, 1, 1)  # the income has been the same for a while
    members: list[dict[str, Any]] = []
    for index, member in enumerate(answers.members):
        disabled = member.disability_category is not None and member.disability_grade is not None
        members.append(
            {
                "birth_date": _birth_date(member.age, end),
                "relation": "head" if index == 0 else "other",
                "disability_category": member.disability_category if disabled else None,
                "disability_grade": member.disability_grade if disabled else None,
                "serious_illness": member.serious_illness,
                "student": member.student,
                "able_to_work": member.able_to_work,
                "legal_supporter_able": member.has_supporter,
                "father_status": PARENTS[member.parents][0],
                "mother_status": PARENTS[member.parents][1],
                "special_care_category": member.special_care or "none",
                "special_care_grade": (
                    member.special_care_grade if member.special_care == "disabled_veteran" else None
                ),
                "incomes": _incomes(
                    ("wages", member.earnings_fen), ("pension_basic", member.basic_pension_fen)
                ),
            }
        )
    members[0]["incomes"] += _incomes(("other", answers.income_fen))
    for income in (i for m in members for i in m["incomes"]):
        income["valid_from"] = since
    region = answers.township if answers.township.startswith(answers.county) else ""
    return {
        "household_id": 1,
        "region_code": full_code(region or answers.county),
        "residence_type": answers.residence_type,
        "financial_assets_fen": answers.financial_assets_fen,
        "vehicle_value_fen": answers.vehicle_value_fen,
        "home_count": answers.home_count,
        "commercial_property_count": answers.commercial_property_count,
        "emergency_kind": "expenditure" if answers.emergency_expense_fen else "none",
        "emergency_expense_fen": answers.emergency_expense_fen,
        "disaster_deaths": answers.disaster.deaths,
        "disaster_home_destroyed": answers.disaster.home_destroyed,
        "disaster_transitional_days": answers.disaster.days_away_from_home,
        "disaster_winter_spring_persons": answers.disaster.persons_in_need_winter,
        "members": members,
    }


def _incomes(*amounts: tuple[str, int]) -> list[dict[str, Any]]:
    """Each person's money by kind: the rules decide which kinds count (`*.counted_types`)."""
    return [{"income_type": kind, "monthly_fen": fen} for kind, fen in amounts if fen]


@dataclass
class Unmet:
    text: str  # the condition, in words
    value: str  # what the answers give
    rule: str  # what the condition asks
    short_by: str  # how far off, in money, when the condition is about money ("" otherwise)


@dataclass
class Outcome:
    program: str
    title: str
    may_qualify: bool
    amount_fen: int  # a month (once, for ONE_OFF programs), all entitled persons together
    unmet: list[Unmet] = field(default_factory=list)

    @property
    def guide(self) -> str:
        """The slug of the portal guide for this program, or "" when there is none."""
        return "" if self.program in NO_GUIDE else GUIDE_OF.get(self.program, self.program)

    @property
    def paid_once(self) -> bool:
        return self.program in ONE_OFF


def precheck(answers: Answers, period: str, lang: str) -> list[Outcome]:
    """What each program says for these answers in `period`, in the reader's language."""
    facts = facts_from_answers(answers, period)
    try:
        explanation = explain(facts, period, live_parameters(), programs=PRECHECK_PROGRAMS)
    except RulesError as error:
        raise ValidationFailed(str(error)) from error
    outcomes = [
        _outcome(name, entries, lang)
        for name, entries in explanation.programs.items()
        if name in PRECHECK_PROGRAMS
    ]
    return sorted(outcomes, key=lambda o: (not o.may_qualify, PRECHECK_PROGRAMS.index(o.program)))


def _outcome(name: str, entries: list[ProgramExplanation], lang: str) -> Outcome:
    first = entries[0]
    title = first.title_zh if lang == "zh" else first.title_en
    eligible = [e for e in entries if e.eligible]
    if eligible:
        return Outcome(name, title, True, sum(e.amount_fen for e in eligible))
    # Nobody qualifies: show the person who comes closest (the fewest unmet conditions).
    closest = min(entries, key=lambda e: len(e.failed))
    unmet = [_unmet(c, lang) for c in closest.criteria if not c.passed]
    return Outcome(name, title, False, 0, unmet)


def _unmet(c: CriterionResult, lang: str) -> Unmet:
    rule = ""
    short_by = ""
    if c.op is not None and c.threshold is not None:
        rule = rule_words(c.op, c.threshold, c.unit, lang, criterion=c.name)
        if c.unit in MONEY_UNITS and _numeric(c.value) and _numeric(c.threshold):
            gap = abs(round(c.value) - round(c.threshold))
            short_by = value_words(gap, c.unit, lang)
    return Unmet(
        text=c.zh if lang == "zh" else c.en,
        value=value_words(c.value, c.unit, lang, criterion=c.name),
        rule=rule,
        short_by=short_by,
    )


def _numeric(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
