"""Who lives together: household templates, and the age, sex, kinship and marital status of members.

A household is drawn from a small set of templates (a widow alone, a couple with two children, three
generations under an elderly head, grandparents raising grandchildren while the parents work away …),
weighted separately for urban and rural registration. Ages are drawn per generation, either down
from the oldest member (for the old) or up from the youngest, so that parents are always a
believable 20-33 years older than their children.
"""

from dataclasses import dataclass
from functools import cache

import numpy as np

from huimin.registry.synthetic.places import Villages
from huimin.registry.synthetic.vocab import (
    CHILD,
    DIVORCED,
    GRANDCHILD,
    HEAD,
    MARRIED,
    NEVER_MARRIED,
    OTHER,
    PARENT,
    SIBLING,
    SPOUSE,
    WIDOWED,
)

# Slot letters: H head, S spouse, C child, O child's spouse (relation "other"), G grandchild,
# P head's parents (father then mother), L a lone parent of the head, B a sibling of the head.
SLOT_RELATION = {
    "H": HEAD,
    "S": SPOUSE,
    "C": CHILD,
    "O": OTHER,
    "G": GRANDCHILD,
    "P": PARENT,
    "L": PARENT,
    "B": SIBLING,
}
SLOT_GENERATION = {"H": 0, "S": 0, "B": 0, "C": -1, "O": -1, "G": -2, "P": 1, "L": 1}
MAX_SIZE = 7

# Age of the oldest member of an old household, by five-year band from 60 (60-64, 65-69, … 100-104):
# roughly China's 2020 census shape, a little younger, so that 80+ is about a tenth of the 60+.
OLD_AGE_BAND_WEIGHTS = np.array([28, 27, 19, 12, 5.5, 2.8, 1.0, 0.25, 0.02])
OLDEST_AGE = 104.99
ADULT_AGE = (
    18.01  # a little over 18, so that the birth date, rounded to a day, still makes an adult
)
GENERATION_GAP = (20.0, 33.0)
SIBLING_SPACING = (1.5, 4.5)
MALE_SHARE_AT_BIRTH = 0.53  # China's sex ratio at birth has been about 113 since the 1990s

# Marital status of a head without a spouse in the household: never, married, divorced, widowed.
LONE_HEAD_MARITAL = {
    "elder": (0.12, 0.05, 0.08, 0.75),
    "adult": (0.55, 0.15, 0.20, 0.10),
    "lone_parent": (0.00, 0.15, 0.50, 0.35),
    "sibling": (0.70, 0.00, 0.20, 0.10),
}


@dataclass(frozen=True)
class Template:
    name: str
    slots: str
    anchor: (
        str  # "old": oldest member from the old-age table; "oldest"/"youngest": uniform in `ages`
    )
    ages: tuple[float, float]
    head_male: float
    rural_weight: float
    urban_weight: float
    lone_head: str = "elder"  # which LONE_HEAD_MARITAL row applies when there is no spouse


TEMPLATES = (
    Template("elder_alone", "H", "old", (60, 105), 0.42, 6.0, 7.0),
    Template("adult_alone", "H", "oldest", (22, 59), 0.62, 10.0, 13.0, "adult"),
    Template("elder_couple", "HS", "old", (60, 105), 0.90, 6.5, 7.0),
    Template("adult_couple", "HS", "oldest", (22, 59), 0.85, 10.0, 12.0),
    Template("elder_with_adult_child", "HC", "old", (60, 105), 0.50, 3.0, 3.0),
    Template("lone_parent_one_child", "HC", "youngest", (0, 22), 0.30, 2.5, 3.0, "lone_parent"),
    Template("siblings", "HB", "oldest", (20, 70), 0.70, 1.0, 0.5, "sibling"),
    Template("grandparent_and_grandchild", "HG", "youngest", (0, 15), 0.35, 1.5, 0.5),
    Template("couple_one_child", "HSC", "youngest", (0, 24), 0.88, 12.0, 16.0),
    Template("lone_parent_two_children", "HCC", "youngest", (0, 18), 0.30, 1.5, 1.5, "lone_parent"),
    Template("grandparents_one_grandchild", "HSG", "youngest", (0, 15), 0.85, 3.0, 1.0),
    Template("couple_two_children", "HSCC", "youngest", (0, 20), 0.88, 10.0, 9.0),
    Template("grandparents_two_grandchildren", "HSGG", "youngest", (0, 14), 0.85, 2.0, 0.5),
    Template("couple_child_lone_parent", "HSCL", "old", (60, 105), 0.85, 4.0, 3.0),
    Template("couple_three_children", "HSCCC", "youngest", (0, 16), 0.88, 2.0, 0.5),
    Template("couple_child_parents", "HSCPP", "old", (60, 105), 0.88, 3.0, 1.5),
    Template("elder_head_three_generations", "HSCOG", "youngest", (0, 18), 0.85, 4.0, 2.0),
    Template("couple_two_children_parents", "HSCCPP", "old", (60, 105), 0.88, 2.0, 1.0),
    Template("elder_head_two_grandchildren", "HSCOGG", "youngest", (0, 16), 0.85, 2.5, 1.0),
    Template("couple_three_children_parents", "HSCCCPP", "old", (60, 105), 0.90, 1.0, 0.2),
    Template("elder_head_three_grandchildren", "HSCOGGG", "youngest", (0, 14), 0.85, 1.0, 0.2),
)
# The template used to make the last household exactly fill the requested number of persons.
FILL_TEMPLATE_OF_SIZE = {
    1: "adult_alone",
    2: "adult_couple",
    3: "couple_one_child",
    4: "couple_two_children",
    5: "couple_three_children",
    6: "couple_two_children_parents",
    7: "elder_head_three_grandchildren",
}


@dataclass(frozen=True)
class Composition:
    """Household and person arrays; person arrays are aligned, households own a contiguous run."""

    village: np.ndarray  # per household: index into Villages
    template: np.ndarray  # per household: index into TEMPLATES
    first_person: np.ndarray  # per household: index of its head
    size: np.ndarray
    household: np.ndarray  # per person: household index
    relation: np.ndarray  # per person: index into RELATIONS
    male: np.ndarray
    age: np.ndarray  # exact age in years on the reference date
    father: np.ndarray  # person index of the father in the same household, or -1
    mother: np.ndarray
    marital: np.ndarray  # index into MARITAL_STATUSES


@dataclass(frozen=True)
class _Compiled:
    """TEMPLATES as arrays indexed [template, slot]."""

    size: np.ndarray
    letters: np.ndarray  # slot letters, "" past the end
    relation: np.ndarray
    generation: np.ndarray
    rank: np.ndarray  # order among slots of the same letter: eldest child 0, father 0, mother 1
    parent_a: np.ndarray  # slot of one parent within the household, or -1
    parent_b: np.ndarray
    first_child: np.ndarray  # per template: slot of the eldest child, or -1
    top: np.ndarray  # per template: highest generation present
    bottom: np.ndarray
    count_at: np.ndarray  # [template, generation + 2]: members of that generation who are C/G


def compose(villages: Villages, persons: int, rng: np.random.Generator) -> Composition:
    compiled = _compile()
    village, template = _draw_households(villages, persons, rng)
    size = compiled.size[template]
    first_person = np.concatenate(([0], np.cumsum(size)[:-1]))
    household = np.repeat(np.arange(len(size)), size)
    slot = np.arange(persons) - first_person[household]
    person_template = template[household]
    letters = compiled.letters[person_template, slot]

    male = _sexes(compiled, template, household, slot, letters, first_person, rng)
    age = _ages(compiled, template, household, slot, letters, male, first_person, rng)
    father, mother = _parents(compiled, person_template, slot, first_person[household], male)
    return Composition(
        village=village,
        template=template,
        first_person=first_person,
        size=size,
        household=household,
        relation=compiled.relation[person_template, slot],
        male=male,
        age=age,
        father=father,
        mother=mother,
        marital=_marital(template, household, letters, slot, compiled, age, rng),
    )


def mean_template_size(urban: bool) -> float:
    compiled = _compile()
    weights = np.array([t.urban_weight if urban else t.rural_weight for t in TEMPLATES])
    return float((compiled.size * weights).sum() / weights.sum())


def _draw_households(
    villages: Villages, persons: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    if persons < 1:
        raise ValueError("persons must be at least 1")
    sizes = _compile().size
    rural_p = _normalised([t.rural_weight for t in TEMPLATES])
    urban_p = _normalised([t.urban_weight for t in TEMPLATES])
    villages_drawn: list[np.ndarray] = []
    templates_drawn: list[np.ndarray] = []
    total = 0
    while total < persons:
        # Half as many households as persons always suffices at these sizes; loop for tiny runs.
        batch = persons // 2 + 8
        village = rng.choice(len(villages.codes), size=batch, p=villages.weights)
        template = np.where(
            villages.urban[village],
            rng.choice(len(TEMPLATES), size=batch, p=urban_p),
            rng.choice(len(TEMPLATES), size=batch, p=rural_p),
        )
        villages_drawn.append(village)
        templates_drawn.append(template)
        total += int(sizes[template].sum())
    village = np.concatenate(villages_drawn)
    template = np.concatenate(templates_drawn)

    running = np.cumsum(sizes[template])
    last = int(np.searchsorted(running, persons))
    village, template = village[: last + 1], template[: last + 1].copy()
    remainder = persons - (int(running[last - 1]) if last > 0 else 0)
    template[last] = _template_index(FILL_TEMPLATE_OF_SIZE[remainder])

    order = np.argsort(village, kind="stable")  # households of a village are numbered together
    return village[order], template[order]


def _sexes(
    compiled: _Compiled,
    template: np.ndarray,
    household: np.ndarray,
    slot: np.ndarray,
    letters: np.ndarray,
    first_person: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    head_male_share = np.array([t.head_male for t in TEMPLATES])
    head_male = rng.random(len(template)) < head_male_share[template]
    male = rng.random(len(household)) < MALE_SHARE_AT_BIRTH
    male[letters == "L"] = rng.random(int((letters == "L").sum())) < 0.4
    male[letters == "H"] = head_male
    male[letters == "S"] = ~head_male[household[letters == "S"]]
    male[letters == "P"] = compiled.rank[template[household], slot][letters == "P"] == 0
    in_law = np.flatnonzero(letters == "O")
    eldest_child = (
        first_person[household[in_law]] + compiled.first_child[template[household[in_law]]]
    )
    male[in_law] = ~male[eldest_child]
    return male


def _ages(
    compiled: _Compiled,
    template: np.ndarray,
    household: np.ndarray,
    slot: np.ndarray,
    letters: np.ndarray,
    male: np.ndarray,
    first_person: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    n = len(template)
    spacing = rng.uniform(*SIBLING_SPACING, n)
    anchor_kind = np.array([t.anchor for t in TEMPLATES])[template]
    low = np.array([t.ages[0] for t in TEMPLATES])[template]
    high = np.array([t.ages[1] for t in TEMPLATES])[template]
    anchor = np.where(anchor_kind == "old", _old_ages(rng, n), rng.uniform(low, high))

    top, bottom = compiled.top[template], compiled.bottom[template]
    bottom_count = compiled.count_at[template, bottom + 2]
    bottom_span = np.maximum(bottom_count - 1, 0) * spacing
    # From the oldest down, the youngest must still be born: cap the gaps so they fit.
    gaps_needed = np.maximum(top - bottom, 1)
    room = (anchor - bottom_span - rng.uniform(0, 8, n)) / gaps_needed
    cap = np.where(anchor_kind == "youngest", GENERATION_GAP[1], np.clip(room, *GENERATION_GAP))
    gap = GENERATION_GAP[0] + rng.random((n, 3)) * (cap - GENERATION_GAP[0])[:, None]
    up, down_one, down_two = gap[:, 0], gap[:, 1], gap[:, 2]
    # Age of each generation's reference member relative to the head: father, eldest child, eldest grandchild.
    offset = np.stack(
        [-down_one - down_two, -down_one, np.zeros(n), up], axis=1
    )  # generations -2..+1

    from_top = anchor - offset[np.arange(n), top + 2]
    from_bottom = anchor + bottom_span - offset[np.arange(n), bottom + 2]
    head_age = np.where(anchor_kind == "youngest", from_bottom, from_top)

    person_template = template[household]
    generation = compiled.generation[person_template, slot]
    rank = compiled.rank[person_template, slot]
    age = head_age[household] + offset[household, generation + 2]
    age -= np.where(np.isin(letters, ("C", "G")), rank * spacing[household], 0.0)

    spouse_gap = rng.normal(2.5, 3.0, len(age))
    head_male = male[first_person][household]
    age += np.where(letters == "S", np.where(head_male, -spouse_gap, spouse_gap), 0.0)
    age += np.where(letters == "O", rng.normal(0.0, 2.5, len(age)), 0.0)
    age += np.where(letters == "B", rng.uniform(-8.0, 8.0, len(age)), 0.0)
    age -= np.where((letters == "P") & (rank == 1), spouse_gap, 0.0)

    grown = np.isin(letters, ("H", "S", "O", "P", "L"))
    age = np.where(grown, np.maximum(age, ADULT_AGE), age)
    return np.clip(age, 0.0, OLDEST_AGE)


def _old_ages(rng: np.random.Generator, n: int) -> np.ndarray:
    band = rng.choice(len(OLD_AGE_BAND_WEIGHTS), size=n, p=_normalised(OLD_AGE_BAND_WEIGHTS))
    return 60.0 + 5.0 * band + rng.uniform(0.0, 5.0, n)


def _parents(
    compiled: _Compiled,
    person_template: np.ndarray,
    slot: np.ndarray,
    household_start: np.ndarray,
    male: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    slot_a = compiled.parent_a[person_template, slot]
    slot_b = compiled.parent_b[person_template, slot]
    a = np.where(slot_a >= 0, household_start + slot_a, -1)
    b = np.where(slot_b >= 0, household_start + slot_b, -1)
    a_male = np.where(a >= 0, male[np.maximum(a, 0)], False)
    b_male = np.where(b >= 0, male[np.maximum(b, 0)], False)
    father = np.where(a_male, a, np.where(b_male, b, -1))
    mother = np.where((a >= 0) & ~a_male, a, np.where((b >= 0) & ~b_male, b, -1))
    return father, mother


def _marital(
    template: np.ndarray,
    household: np.ndarray,
    letters: np.ndarray,
    slot: np.ndarray,
    compiled: _Compiled,
    age: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    marital = np.full(len(letters), NEVER_MARRIED, dtype=np.int8)
    has_spouse = np.array(["S" in t.slots for t in TEMPLATES])
    lone_rows = np.array([LONE_HEAD_MARITAL[t.lone_head] for t in TEMPLATES])

    heads = np.flatnonzero(letters == "H")
    lone = ~has_spouse[template]
    draws = (rng.random((len(heads), 1)) > np.cumsum(lone_rows[template], axis=1)).sum(axis=1)
    marital[heads] = np.where(lone, np.minimum(draws, 3), MARRIED)

    marital[np.isin(letters, ("S", "O", "P"))] = MARRIED
    lone_parent = letters == "L"
    marital[lone_parent] = np.where(rng.random(int(lone_parent.sum())) < 0.9, WIDOWED, DIVORCED)

    has_in_law = np.array(["O" in t.slots for t in TEMPLATES])
    person_template = template[household]
    married_child = (
        (letters == "C") & has_in_law[person_template] & (compiled.rank[person_template, slot] == 0)
    )
    marital[married_child] = MARRIED
    unmarried_adult = np.isin(letters, ("C", "G", "B")) & ~married_child & (age >= 22)
    marital[unmarried_adult] = np.where(
        rng.random(int(unmarried_adult.sum())) < 0.15, DIVORCED, NEVER_MARRIED
    )
    return marital


def _template_index(name: str) -> int:
    return next(i for i, t in enumerate(TEMPLATES) if t.name == name)


def _normalised(weights: list[float] | np.ndarray) -> np.ndarray:
    array = np.asarray(weights, dtype=float)
    return array / array.sum()


@cache
def _compile() -> _Compiled:
    count = len(TEMPLATES)
    letters = np.full((count, MAX_SIZE), "", dtype="<U1")
    relation = np.zeros((count, MAX_SIZE), dtype=np.int8)
    generation = np.zeros((count, MAX_SIZE), dtype=np.int64)
    rank = np.zeros((count, MAX_SIZE), dtype=np.int64)
    parent_a = np.full((count, MAX_SIZE), -1, dtype=np.int64)
    parent_b = np.full((count, MAX_SIZE), -1, dtype=np.int64)
    first_child = np.full(count, -1, dtype=np.int64)
    count_at = np.zeros((count, 4), dtype=np.int64)
    for t, template in enumerate(TEMPLATES):
        slots = template.slots
        elders = [i for i, letter in enumerate(slots) if letter in "PL"]
        children = [i for i, letter in enumerate(slots) if letter == "C"]
        first_child[t] = children[0] if children else -1
        for i, letter in enumerate(slots):
            letters[t, i] = letter
            relation[t, i] = SLOT_RELATION[letter]
            generation[t, i] = SLOT_GENERATION[letter]
            rank[t, i] = slots[:i].count(letter)
            parents = _parent_slots(slots, letter, elders, children)
            parent_a[t, i], parent_b[t, i] = (parents + [-1, -1])[:2]
            if letter in "CG":
                count_at[t, SLOT_GENERATION[letter] + 2] += 1
    generations = [[SLOT_GENERATION[letter] for letter in t.slots] for t in TEMPLATES]
    return _Compiled(
        size=np.array([len(t.slots) for t in TEMPLATES]),
        letters=letters,
        relation=relation,
        generation=generation,
        rank=rank,
        parent_a=parent_a,
        parent_b=parent_b,
        first_child=first_child,
        top=np.array([max(g) for g in generations]),
        bottom=np.array([min(g) for g in generations]),
        count_at=count_at,
    )


def _parent_slots(slots: str, letter: str, elders: list[int], children: list[int]) -> list[int]:
    if letter in "HB":
        return elders
    if letter == "C":
        return [0] + ([slots.index("S")] if "S" in slots else [])
    if letter == "G" and "O" in slots:
        return [children[0], slots.index("O")]
    return []
