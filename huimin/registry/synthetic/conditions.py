"""Circumstances the programs look at: disability, self-care, illness, work, school, special care,
absence from the family, death, and for children the state of their parents.

Rates rise with age the way survey figures do (China's 2006 disability survey: about 6% of people,
most of them old, more hearing and physical than speech disability, more grade 3-4 than 1-2).
"""

from dataclasses import dataclass

import numpy as np

from huimin.registry.synthetic.households import Composition
from huimin.registry.synthetic.streams import choice_by_row
from huimin.registry.synthetic.vocab import (
    CHILD,
    GRANDCHILD,
    HEAD,
    NEVER_MARRIED,
    PARENT_STATUSES,
    SIBLING,
    SPECIAL_CARE_CATEGORIES,
    SPOUSE,
)

AGE_BANDS = np.array([18, 45, 60, 80])  # bands: <18, 18-44, 45-59, 60-79, 80+
DISABILITY_RATE = np.array([0.016, 0.033, 0.066, 0.145, 0.27])
SERIOUS_ILLNESS_RATE = np.array([0.003, 0.009, 0.027, 0.055, 0.065])
# Deaths in the year before the reference date, by band <60, 60-69, 70-79, 80-89, 90+.
DEATH_BANDS = np.array([60, 70, 80, 90])
DEATH_RATE = np.array([0.001, 0.01, 0.03, 0.08, 0.2])

# Categories 1 visual, 2 hearing, 3 speech, 4 physical, 5 intellectual, 6 mental, 7 multiple.
CATEGORY_SHARES_UNDER_60 = np.array([0.10, 0.10, 0.03, 0.37, 0.14, 0.14, 0.12])
CATEGORY_SHARES_FROM_60 = np.array([0.18, 0.33, 0.01, 0.30, 0.02, 0.04, 0.12])
GRADE_SHARES = np.array([0.10, 0.17, 0.30, 0.43])  # grade 1 (most severe) .. 4
GRADE_SHARES_MULTIPLE = np.array([0.20, 0.25, 0.30, 0.25])
INTELLECTUAL, MENTAL, MULTIPLE = 5, 6, 7

# How many of the 6 daily activities a person cannot do unaided, P(0..6), by situation.
SELFCARE_BY_GRADE = {
    1: np.array([0.0, 0.0, 0.10, 0.15, 0.25, 0.25, 0.25]),
    2: np.array([0.30, 0.25, 0.20, 0.15, 0.10, 0.0, 0.0]),
    3: np.array([0.75, 0.15, 0.10, 0.0, 0.0, 0.0, 0.0]),
    4: np.array([0.95, 0.05, 0.0, 0.0, 0.0, 0.0, 0.0]),
}
SELFCARE_OLD_60 = np.array([0.95, 0.03, 0.02, 0.0, 0.0, 0.0, 0.0])
SELFCARE_OLD_80 = np.array([0.75, 0.12, 0.06, 0.04, 0.02, 0.01, 0.0])
SELFCARE_OLD_90 = np.array([0.50, 0.15, 0.12, 0.10, 0.07, 0.04, 0.02])
# The order in which the activities are usually lost (Katz): bathing first, eating last.
ACTIVITIES = ("bathing", "dressing", "toilet", "walking_indoors", "bed_transfer", "eating")

# Special care: rate among men and women from 45 (disabled veterans, veterans in difficulty) or 50.
VETERAN_GRADE_SHARES = np.array([1, 1, 2, 3, 4, 6, 10, 16, 25, 32], dtype=float)

# An absent parent of a child living with one parent (often divorced and living elsewhere).
ABSENT_PARENT_STATUS = {
    "dead": 0.25,
    "missing": 0.05,
    "imprisoned": 0.03,
    "drug_rehabilitation": 0.01,
    "deprived_of_liberty": 0.005,
}
# Children raised by grandparents: mostly parents working away, a few orphans, a few without
# de facto support (both parents unable, or one dead or missing and the other unable).
ORPHAN_SHARE_OF_LEFT_BEHIND = 0.015
UNSUPPORTED_SHARE_OF_LEFT_BEHIND = 0.025
UNSUPPORTED_PAIRS = (
    ("dead", "missing"),
    ("missing", "dead"),
    ("dead", "imprisoned"),
    ("imprisoned", "dead"),
    ("missing", "missing"),
    ("imprisoned", "missing"),
    ("drug_rehabilitation", "dead"),
    ("dead", "deprived_of_liberty"),
    ("dead", "severely_disabled"),
    ("seriously_ill", "missing"),
)


@dataclass(frozen=True)
class Conditions:
    disability_category: np.ndarray  # int8, 0 when not disabled
    disability_grade: np.ndarray  # int8, 0 when not disabled
    selfcare_unable_count: np.ndarray  # int8
    serious_illness: np.ndarray
    able_to_work: np.ndarray
    student: np.ndarray
    special_care: np.ndarray  # index into SPECIAL_CARE_CATEGORIES
    special_care_grade: np.ndarray  # int8, 0 when none
    not_counted_reason: np.ndarray  # index into NOT_COUNTED_REASONS, -1 when counted
    death_offset_days: np.ndarray  # days before the reference date, -1 when alive
    father_status: np.ndarray  # index into PARENT_STATUSES
    mother_status: np.ndarray
    legal_supporter_able: np.ndarray
    in_institution: np.ndarray
    payee: np.ndarray  # per household: person index


def draw_conditions(people: Composition, rng: np.random.Generator) -> Conditions:
    age = people.age
    band = np.searchsorted(AGE_BANDS, age, side="right")
    category, grade = _disabilities(age, band, rng)
    illness = rng.random(len(age)) < SERIOUS_ILLNESS_RATE[band]
    not_counted = _absences(people, rng)
    death = _deaths(age, rng)
    # A registry names a new head when a head dies (one living head per household, the import
    # and the services require it), so a snapshot of one has no dead head.
    death[people.first_person] = -1
    payee = _payees(people, death, not_counted, rng)
    # Severe for the programs: grade 1-2, or grade 3 of an intellectual or mental disability.
    severe = (grade > 0) & (
        (grade <= 2) | (np.isin(category, (INTELLECTUAL, MENTAL)) & (grade <= 3))
    )
    father, mother = _parent_statuses(people, death, not_counted, severe, illness, rng)
    supporter = _legal_supporter(people, father, mother, severe, death, rng)
    special, special_grade = _special_care(people, rng)
    return Conditions(
        disability_category=category,
        disability_grade=grade,
        selfcare_unable_count=_selfcare(age, grade, illness, rng),
        serious_illness=illness,
        able_to_work=(age >= 16) & (age < 60) & ~severe & ~(illness & (rng.random(len(age)) < 0.6)),
        student=_students(age, severe, death, rng),
        special_care=special,
        special_care_grade=special_grade,
        not_counted_reason=not_counted,
        death_offset_days=death,
        father_status=father,
        mother_status=mother,
        legal_supporter_able=supporter,
        in_institution=_institutions(people, father, mother, supporter, rng),
        payee=payee,
    )


def activities_unable(count: np.ndarray) -> dict[str, np.ndarray]:
    """The six activity flags for a count, lost in Katz order (who cannot dress cannot bathe)."""
    return {activity: count > position for position, activity in enumerate(ACTIVITIES)}


def _disabilities(
    age: np.ndarray, band: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    disabled = rng.random(len(age)) < DISABILITY_RATE[band]
    old = age[disabled] >= 60
    shares = np.where(old[:, None], CATEGORY_SHARES_FROM_60, CATEGORY_SHARES_UNDER_60)
    category_of_disabled = choice_by_row(rng, shares) + 1
    grade_shares = np.where(
        (category_of_disabled == MULTIPLE)[:, None], GRADE_SHARES_MULTIPLE, GRADE_SHARES
    )
    category = np.zeros(len(age), dtype=np.int8)
    grade = np.zeros(len(age), dtype=np.int8)
    category[disabled] = category_of_disabled
    grade[disabled] = choice_by_row(rng, grade_shares) + 1
    return category, grade


def _selfcare(
    age: np.ndarray, grade: np.ndarray, illness: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    table = np.zeros((len(age), 7))
    table[:, 0] = 1.0  # able in everything, unless one of the rows below applies
    table[age >= 60] = SELFCARE_OLD_60
    table[age >= 80] = SELFCARE_OLD_80
    table[age >= 90] = SELFCARE_OLD_90
    for level, shares in SELFCARE_BY_GRADE.items():
        # Young children are dependent anyway; assessment matters for the severely disabled only.
        applies = (grade == level) & ((age >= 16) | (grade <= 2))
        table[applies] = np.maximum(table[applies], shares) if level > 2 else shares
    count = choice_by_row(rng, table)
    count += illness & (rng.random(len(age)) < 0.3)
    return np.minimum(count, 6).astype(np.int8)


def _students(
    age: np.ndarray, severe: np.ndarray, death: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    # Compulsory schooling 6-15, then senior secondary, then college up to bachelor level.
    rate = np.select(
        [age < 6, age < 16, age < 19, age < 23, age < 24],
        [0.0, 0.99, 0.85, 0.45, 0.10],
        default=0.0,
    )
    return (rng.random(len(age)) < rate) & ~severe & (death < 0)


def _special_care(people: Composition, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    age, male = people.age, people.male
    rates = np.stack(
        [
            np.where(male, 0.004, 0.0002) * (age >= 45),  # disabled_veteran
            0.0015 * (age >= 50),  # martyr_family
            0.0008 * (age >= 50),  # died_on_duty_family
            np.where(male, 0.006, 0.0003) * (age >= 50),  # veteran_in_difficulty
        ],
        axis=1,
    )
    none = 1.0 - rates.sum(axis=1, keepdims=True)
    category = choice_by_row(rng, np.hstack([none, rates])).astype(np.int8)
    veteran = category == SPECIAL_CARE_CATEGORIES.index("disabled_veteran")
    grade = np.zeros(len(age), dtype=np.int8)
    grade[veteran] = (
        rng.choice(10, size=int(veteran.sum()), p=VETERAN_GRADE_SHARES / VETERAN_GRADE_SHARES.sum())
        + 1
    )
    return category, grade


def _absences(people: Composition, rng: np.random.Generator) -> np.ndarray:
    """Soldiers on duty, prisoners and clergy away are registered here but not counted in the family."""
    age, male = people.age, people.male
    draw = rng.random(len(age))
    soldier = male & (age >= 18) & (age < 25) & (people.marital == NEVER_MARRIED) & (draw < 0.025)
    prisoner_rate = np.where(male, 0.004, 0.0004) * ((age >= 18) & (age < 60))
    prisoner = ~soldier & (draw > 0.5) & (draw < 0.5 + prisoner_rate)
    clergy = (age >= 18) & (draw > 0.9) & (draw < 0.9005)
    return np.select([soldier, prisoner, clergy], [0, 1, 2], default=-1).astype(np.int8)


def _deaths(age: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    died = rng.random(len(age)) < DEATH_RATE[np.searchsorted(DEATH_BANDS, age, side="right")]
    return np.where(died, rng.integers(1, 366, len(age)), -1)


def _payees(
    people: Composition, death: np.ndarray, not_counted: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """The head usually receives payments, sometimes the spouse; never a dead, absent or minor member.

    If no member qualifies, the head is made to qualify (alive and at home), so every household
    has a payee a payment can go to.
    """
    slot = np.arange(len(people.age)) - people.first_person[people.household]
    spouse_first = rng.random(len(people.size)) < 0.2
    priority = np.select(
        [people.relation == HEAD, people.relation == SPOUSE],
        [
            np.where(spouse_first[people.household], 1, 0),
            np.where(spouse_first[people.household], 0, 1),
        ],
        default=2,
    )
    eligible = (death < 0) & (not_counted < 0) & (people.age >= 18)
    key = (np.where(eligible, priority, 100) * 8 + slot).astype(np.int64)
    best = np.minimum.reduceat(key, people.first_person)
    payee = people.first_person + best % 8
    nobody = best >= 100 * 8
    heads = people.first_person[nobody]
    death[heads] = -1
    not_counted[heads] = -1
    return np.where(nobody, people.first_person, payee)


def _parent_statuses(
    people: Composition,
    death: np.ndarray,
    not_counted: np.ndarray,
    severe: np.ndarray,
    illness: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    statuses = []
    for parent in (people.father, people.mother):
        present = parent >= 0
        p = np.maximum(parent, 0)
        at_home = np.select(
            [death[p] >= 0, not_counted[p] == 1, severe[p], illness[p]],
            [
                _status("dead"),
                _status("imprisoned"),
                _status("severely_disabled"),
                _status("seriously_ill"),
            ],
            default=_status("present"),
        )
        # An adult's parents living elsewhere: the older the person, the likelier the parent is dead.
        elsewhere = np.where(
            rng.random(len(p)) < np.clip((people.age - 30.0) / 45.0, 0.0, 1.0),
            _status("dead"),
            _status("present"),
        )
        statuses.append(np.where(present, at_home, elsewhere).astype(np.int8))
    father, mother = statuses
    _children_without_parents(people, father, mother, rng)
    return father, mother


def _children_without_parents(
    people: Composition, father: np.ndarray, mother: np.ndarray, rng: np.random.Generator
) -> None:
    minor = people.age < 18
    both_away = (
        minor
        & (people.father < 0)
        & (people.mother < 0)
        & np.isin(people.relation, (GRANDCHILD, SIBLING, CHILD))
    )
    draw = rng.random(len(minor))
    orphan = both_away & (draw < ORPHAN_SHARE_OF_LEFT_BEHIND)
    unsupported = (
        both_away
        & ~orphan
        & (draw < ORPHAN_SHARE_OF_LEFT_BEHIND + UNSUPPORTED_SHARE_OF_LEFT_BEHIND)
    )
    father[both_away] = _status("present")
    mother[both_away] = _status("present")
    father[orphan] = mother[orphan] = _status("dead")
    pair = rng.integers(0, len(UNSUPPORTED_PAIRS), len(minor))
    pairs = np.array([[_status(a), _status(b)] for a, b in UNSUPPORTED_PAIRS])
    father[unsupported] = pairs[pair[unsupported], 0]
    mother[unsupported] = pairs[pair[unsupported], 1]

    one_away = minor & ((people.father < 0) ^ (people.mother < 0))
    names = list(ABSENT_PARENT_STATUS)
    shares = np.array([*ABSENT_PARENT_STATUS.values(), 1.0 - sum(ABSENT_PARENT_STATUS.values())])
    drawn = rng.choice(len(shares), size=len(minor), p=shares)
    absent = np.array([_status(name) for name in names] + [_status("present")])[drawn]
    father[one_away & (people.father < 0)] = absent[one_away & (people.father < 0)]
    mother[one_away & (people.mother < 0)] = absent[one_away & (people.mother < 0)]


def _legal_supporter(
    people: Composition,
    father: np.ndarray,
    mother: np.ndarray,
    severe: np.ndarray,
    death: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    age = people.age
    draw = rng.random(len(age))
    present = _status("present")
    minor_supported = (father == present) | (mother == present)
    # Someone of working age, alive and not severely disabled, in the same household.
    capable = (age >= 18) & (age < 60) & ~severe & (death < 0)
    household_has_capable = (
        np.bincount(people.household, weights=capable.astype(float), minlength=len(people.size)) > 0
    )
    elder_supported = household_has_capable[people.household] | (draw < 0.85)
    adult_supported = ~severe | household_has_capable[people.household] | (draw < 0.6)
    return np.select(
        [age < 18, age >= 60], [minor_supported, elder_supported], default=adult_supported
    )


def _institutions(
    people: Composition,
    father: np.ndarray,
    mother: np.ndarray,
    supporter: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    dead = _status("dead")
    orphan = (people.age < 18) & (father == dead) & (mother == dead)
    lonely_elder = (people.age >= 60) & ~supporter & (people.size[people.household] == 1)
    draw = rng.random(len(people.age))
    return (orphan & (draw < 0.2)) | (lonely_elder & (draw < 0.25))


def _status(name: str) -> int:
    return PARENT_STATUSES.index(name)
