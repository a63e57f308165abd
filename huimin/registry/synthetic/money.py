"""Income records, assets, bank cards and phone numbers.

Incomes are calibrated against an assumed local dibao standard (800 yuan a month urban, 550 rural,
per person) so that roughly 5-12% of households fall below it on counted income, as in poorer
prefectures of western China; amounts are lognormal around rough Yunnan medians. All figures are
illustrative, not statistics.
"""

from dataclasses import dataclass

import numpy as np

from huimin.registry.synthetic.conditions import Conditions
from huimin.registry.synthetic.households import Composition
from huimin.registry.synthetic.places import Villages
from huimin.registry.synthetic.vocab import INCOME_TYPES, PARENT_STATUSES, SPECIAL_CARE_CATEGORIES

DAYS_PER_YEAR = 365.2425
_PRESENT = PARENT_STATUSES.index("present")

# What a person of working age lives on, with the share of people doing it: rural people mostly
# farm, many also work for wages nearby or away; some have no income at all.
RURAL_ACTIVITIES = {
    ("farm_net",): 0.33,
    ("wages",): 0.20,
    ("farm_net", "wages"): 0.30,
    ("business",): 0.05,
    ("farm_net", "business"): 0.02,
    (): 0.07,
}
URBAN_ACTIVITIES = {("wages",): 0.80, ("business",): 0.11, (): 0.09}
# Working incomes as (median yuan/month, lognormal sigma); the other sources below as
# (probability of having it, median yuan/month, lognormal sigma).
WORK_INCOME = {"rural": {"farm_net": (1600, 0.5), "wages": (3500, 0.35), "business": (4000, 0.6)}}
WORK_INCOME["urban"] = {"wages": (4200, 0.4), "business": (5000, 0.6)}
RURAL_OLD_FARMING = {
    60: (0.6, 900, 0.5),
    70: (0.35, 600, 0.5),
}  # many in their 60s and 70s still farm
PENSION_BASIC = {"rural": (0.95, 200, 0.2), "urban": (0.90, 260, 0.2)}
PENSION_EMPLOYEE = {"rural": (0.05, 3500, 0.3), "urban": (0.75, 3200, 0.35)}
TRANSFER_TO_ELDERS = (0.80, 800, 0.5)  # maintenance from children living elsewhere
TRANSFER_TO_LEFT_BEHIND_CHILDREN = (0.85, 800, 0.5)  # from parents working away
CHILD_MAINTENANCE = (0.5, 600, 0.4)  # from a living parent who lives elsewhere
FAMILY_PLANNING_REWARD_YUAN = 80
FAMILY_PLANNING_SHARE = 0.12
SCHOLARSHIP = (0.05, 250, 0.3)
PROPERTY = {"rural": (0.02, 500, 0.6), "urban": (0.06, 1200, 0.6)}
OTHER_INCOME = (0.02, 300, 0.6)
BRAVERY_AWARD = (0.0002, 500, 0.3)
# Special-care payments (yuan/month): disabled veterans by grade 1..10, then the other categories.
VETERAN_GRADE_1_YUAN = 8000
VETERAN_GRADE_STEP = 0.78
SPECIAL_CARE_YUAN = {
    "martyr_family": 2300,
    "died_on_duty_family": 2000,
    "veteran_in_difficulty": 900,
}

HOUSEHOLD_LUCK_SIGMA = 0.25
VILLAGE_LUCK_SIGMA = 0.15
HISTORY_SHARE = 0.10  # work incomes that replaced an earlier record
VERIFIED_SHARE = 0.6
MINIMUM_AGE_FOR = {"pension_basic": 60, "pension_other": 50, "family_planning_reward": 60}
WORKING_AGE_START = 16

# Card issuer prefixes (IIN-style, of the banks that serve rural Yunnan) with the card length.
BANKS = (
    ("中国农业银行", "622848", 19, 0.35),
    ("中国邮政储蓄银行", "621799", 19, 0.20),
    ("中国工商银行", "622202", 19, 0.15),
    ("中国建设银行", "621700", 19, 0.15),
    ("中国银行", "621661", 19, 0.10),
    ("招商银行", "622588", 16, 0.05),
)
MOBILE_PREFIXES = np.array(
    [130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155, 156, 157, 158, 159]
    + [170, 173, 177, 178, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 191, 198, 199]
)


@dataclass(frozen=True)
class Incomes:
    person: np.ndarray
    income_type: np.ndarray  # index into INCOME_TYPES
    monthly_fen: np.ndarray
    valid_from_days: np.ndarray  # days before the reference date
    valid_to_days: np.ndarray  # days before the reference date, -1 while open
    verified: np.ndarray


@dataclass(frozen=True)
class Assets:
    deposits_fen: np.ndarray
    securities_fen: np.ndarray
    debts_owed_to_family_fen: np.ndarray
    vehicle_value_fen: np.ndarray
    home_count: np.ndarray
    commercial_property_count: np.ndarray


@dataclass(frozen=True)
class Contacts:
    bank_name: np.ndarray  # index into BANKS
    bank_card_no: np.ndarray  # int64 card numbers (16-19 digits fit in int64)
    phone: np.ndarray  # int64


class _Rows:
    """Collects income rows source by source, then stacks them."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, int, np.ndarray]] = []

    def add(self, persons: np.ndarray, income_type: str, yuan: np.ndarray) -> None:
        self.parts.append(
            (persons, INCOME_TYPES.index(income_type), np.round(yuan).astype(np.int64) * 100)
        )

    def draw(
        self,
        rng: np.random.Generator,
        eligible: np.ndarray,
        income_type: str,
        spec: tuple[float, float, float],
        scale: np.ndarray,
    ) -> None:
        probability, median, sigma = spec
        chosen = np.flatnonzero(eligible & (rng.random(len(eligible)) < probability))
        self.add(
            chosen, income_type, median * scale[chosen] * rng.lognormal(0.0, sigma, len(chosen))
        )


def draw_incomes(
    people: Composition,
    conditions: Conditions,
    villages: Villages,
    age_days: np.ndarray,
    rng: np.random.Generator,
) -> Incomes:
    urban = villages.urban[people.village[people.household]]
    luck = _luck(people, villages, rng)
    rows = _Rows()
    _work_incomes(rows, people, conditions, urban, luck, rng)
    _old_age_incomes(rows, people, conditions, urban, luck, rng)
    _family_support(rows, people, conditions, rng)
    _other_incomes(rows, people, conditions, urban, luck, rng)
    return _with_dates_and_history(rows, conditions, age_days, rng)


def _working(people: Composition, conditions: Conditions) -> np.ndarray:
    # The dead count here too: they keep the records they had, closed on the day they died.
    at_home = conditions.not_counted_reason < 0
    return at_home & conditions.able_to_work & ~conditions.student & (people.age >= 18)


def _work_incomes(
    rows: _Rows,
    people: Composition,
    conditions: Conditions,
    urban: np.ndarray,
    luck: np.ndarray,
    rng: np.random.Generator,
) -> None:
    n = len(people.age)
    # Moderate disability and serious illness cut the chance of earning, and the earnings.
    hampered = (conditions.disability_grade >= 3) | conditions.serious_illness
    scale = luck * np.where(hampered, 0.8, 1.0)
    earning = _working(people, conditions) & (rng.random(n) < np.where(hampered, 0.55, 1.0))
    for region, mask, activities in (
        ("rural", ~urban, RURAL_ACTIVITIES),
        ("urban", urban, URBAN_ACTIVITIES),
    ):
        options = list(activities)
        shares = np.array(list(activities.values()))
        activity = rng.choice(len(options), size=n, p=shares / shares.sum())
        for income_type, (median, sigma) in WORK_INCOME[region].items():
            does_it = np.array([income_type in option for option in options])[activity]
            rows.draw(rng, earning & mask & does_it, income_type, (1.0, median, sigma), scale)


def _old_age_incomes(
    rows: _Rows,
    people: Composition,
    conditions: Conditions,
    urban: np.ndarray,
    luck: np.ndarray,
    rng: np.random.Generator,
) -> None:
    age, n = people.age, len(people.age)
    elder = (conditions.not_counted_reason < 0) & (age >= 60)
    fit = ~conditions.serious_illness & (conditions.disability_grade == 0)
    for decade, spec in RURAL_OLD_FARMING.items():
        in_decade = elder & ~urban & fit & (age >= decade) & (age < decade + 10)
        rows.draw(rng, in_decade, "farm_net", spec, luck)
    # Retired employees draw an employee pension; everyone else the small basic one.
    for region, mask in (("rural", ~urban), ("urban", urban)):
        probability, median, sigma = PENSION_EMPLOYEE[region]
        employee = elder & mask & (rng.random(n) < probability)
        rows.draw(rng, employee, "pension_other", (1.0, median, sigma), np.ones(n))
        rows.draw(rng, elder & mask & ~employee, "pension_basic", PENSION_BASIC[region], np.ones(n))
    planning = np.flatnonzero(elder & ~urban & (rng.random(n) < FAMILY_PLANNING_SHARE))
    rows.add(
        planning, "family_planning_reward", np.full(len(planning), FAMILY_PLANNING_REWARD_YUAN)
    )


def _family_support(
    rows: _Rows, people: Composition, conditions: Conditions, rng: np.random.Generator
) -> None:
    """Maintenance from relatives elsewhere: children of old people who live on their own, parents
    working away from their children, a separated parent paying for a child."""
    age, n = people.age, len(people.age)
    at_home = conditions.not_counted_reason < 0
    working = _working(people, conditions).astype(float)
    has_earner = np.bincount(people.household, weights=working, minlength=len(people.size)) > 0
    elder_alone = at_home & (age >= 60) & ~has_earner[people.household]
    rows.draw(rng, elder_alone, "transfer_support", TRANSFER_TO_ELDERS, np.ones(n))

    minor = at_home & (age < 18)
    father_away, mother_away = people.father < 0, people.mother < 0
    parent_alive = (conditions.father_status == _PRESENT) | (conditions.mother_status == _PRESENT)
    left_behind = minor & father_away & mother_away & parent_alive
    rows.draw(rng, left_behind, "transfer_support", TRANSFER_TO_LEFT_BEHIND_CHILDREN, np.ones(n))
    absent_status = np.where(father_away, conditions.father_status, conditions.mother_status)
    separated = minor & (father_away ^ mother_away) & (absent_status == _PRESENT)
    rows.draw(rng, separated, "transfer_support", CHILD_MAINTENANCE, np.ones(n))


def _other_incomes(
    rows: _Rows,
    people: Composition,
    conditions: Conditions,
    urban: np.ndarray,
    luck: np.ndarray,
    rng: np.random.Generator,
) -> None:
    age, n = people.age, len(people.age)
    at_home = conditions.not_counted_reason < 0
    alive = conditions.death_offset_days < 0
    student = at_home & conditions.student & (age >= 16)
    rows.draw(rng, student, "scholarship", SCHOLARSHIP, np.ones(n))
    _special_care_rows(rows, conditions, rng)
    heads = np.zeros(n, dtype=bool)
    heads[people.first_person] = True
    for region, mask in (("rural", ~urban), ("urban", urban)):
        rows.draw(rng, heads & alive & mask, "property", PROPERTY[region], luck)
    rows.draw(rng, at_home & (age >= 18), "other", OTHER_INCOME, np.ones(n))
    rows.draw(rng, alive & (age >= 16), "bravery_award", BRAVERY_AWARD, np.ones(n))


def per_capita_counted_income(
    people: Composition, conditions: Conditions, incomes: Incomes
) -> np.ndarray:
    """Per household: monthly fen per counted member from the income types dibao usually counts."""
    not_counted_types = [
        INCOME_TYPES.index(name)
        for name in (
            "special_care",
            "family_planning_reward",
            "scholarship",
            "bravery_award",
            "social_assistance",
            "pension_basic",
        )
    ]
    counted = (conditions.death_offset_days < 0) & (conditions.not_counted_reason < 0)
    current = (incomes.valid_to_days < 0) & ~np.isin(incomes.income_type, not_counted_types)
    current &= counted[incomes.person]
    household = people.household[incomes.person[current]]
    total = np.bincount(household, weights=incomes.monthly_fen[current], minlength=len(people.size))
    members = np.bincount(
        people.household, weights=counted.astype(float), minlength=len(people.size)
    )
    return total / np.maximum(members, 1)


def draw_assets(
    people: Composition, villages: Villages, per_capita_fen: np.ndarray, rng: np.random.Generator
) -> Assets:
    n = len(people.size)
    urban = villages.urban[people.village]
    # Savings track income: a few months to a few years of it, and a little even with no income.
    monthly = np.maximum(per_capita_fen / 100, 150.0) * people.size
    wealth = rng.normal(0.0, 1.0, n)
    saver = rng.random(n) < np.where(urban, 0.92, 0.85)
    deposits = np.where(saver, monthly * 8 * np.exp(0.9 * wealth), 0.0)
    holds_securities = rng.random(n) < np.where(urban, 0.12, 0.03)
    securities = np.where(
        holds_securities, 40_000 * np.exp(0.5 * wealth + rng.normal(0, 0.8, n)), 0.0
    )
    lends = rng.random(n) < 0.04
    debts = np.where(lends, 20_000 * rng.lognormal(0.0, 0.7, n), 0.0)

    car_chance = np.clip(np.where(urban, 0.30, 0.18) * np.exp(0.6 * wealth), 0.0, 0.9)
    car = rng.random(n) < car_chance
    car_value = 60_000 * rng.lognormal(0.0, 0.55, n)
    motorcycle = rng.random(n) < np.where(urban, 0.2, 0.5)
    motorcycle_value = rng.uniform(2_000, 8_000, n)
    vehicle = np.where(car, car_value, np.where(motorcycle, motorcycle_value, 0.0))

    home_shares = np.where(
        urban[:, None], [0.12, 0.68, 0.16, 0.03, 0.01], [0.03, 0.83, 0.12, 0.015, 0.005]
    )
    homes = (rng.random((n, 1)) > np.cumsum(home_shares, axis=1)).sum(axis=1)
    commercial_draw = rng.random(n)
    commercial = np.where(
        commercial_draw < 0.005, 2, np.where(commercial_draw < np.where(urban, 0.05, 0.025), 1, 0)
    )
    return Assets(
        deposits_fen=_fen(deposits),
        securities_fen=_fen(securities),
        debts_owed_to_family_fen=_fen(debts),
        vehicle_value_fen=_fen(vehicle),
        home_count=np.minimum(homes, 4).astype(np.int32),
        commercial_property_count=commercial.astype(np.int32),
    )


def draw_contacts(households: int, rng: np.random.Generator) -> Contacts:
    """A bank card (Luhn-valid) and a mobile number per household, each unique within the run."""
    shares = np.array([bank[3] for bank in BANKS])
    bank = rng.choice(len(BANKS), size=households, p=shares / shares.sum())
    order = rng.permutation(households)
    cards = np.zeros(households, dtype=np.int64)
    for index, (_, prefix, length, _) in enumerate(BANKS):
        members = np.flatnonzero(bank == index)
        account_digits = length - len(prefix) - 1
        account = _scatter_unique(order[members], 10**account_digits, rng)
        body = int(prefix) * 10**account_digits + account
        cards[members] = body * 10 + luhn_check_digits(body)
    mobile_prefix = MOBILE_PREFIXES[rng.integers(0, len(MOBILE_PREFIXES), households)]
    phone = mobile_prefix * 10**8 + _scatter_unique(order, 10**8, rng)
    return Contacts(bank_name=bank, bank_card_no=cards, phone=phone)


def luhn_check_digits(body: np.ndarray) -> np.ndarray:
    """The Luhn digit to append to each number (doubling every second digit from the right)."""
    total = np.zeros(len(body), dtype=np.int64)
    rest = body.copy()
    position = 0
    while (rest > 0).any():
        digit = rest % 10
        if position % 2 == 0:  # the digit next to the check digit is doubled
            digit = digit * 2
            digit = np.where(digit > 9, digit - 9, digit)
        total += digit
        rest //= 10
        position += 1
    return (10 - total % 10) % 10


def _scatter_unique(index: np.ndarray, modulus: int, rng: np.random.Generator) -> np.ndarray:
    """Distinct numbers below `modulus` for distinct indices: an affine map coprime to 10^k."""
    if len(index) and index.max() >= modulus:
        raise ValueError("too many households for unique numbers of this length")
    # Keep multiplier * index inside int64 for the 12-digit account numbers of large runs.
    largest = int(index.max(initial=0)) + 1
    multiplier = (
        int(rng.integers(modulus // 10, max(modulus // 10 + 1, min(modulus, 2**62 // largest)))) | 1
    )
    if multiplier % 5 == 0:
        multiplier += 2
    shift = int(rng.integers(0, modulus))
    return (multiplier * index.astype(np.int64) + shift) % modulus


def _special_care_rows(rows: _Rows, conditions: Conditions, rng: np.random.Generator) -> None:
    category = conditions.special_care
    veteran = np.flatnonzero(category == SPECIAL_CARE_CATEGORIES.index("disabled_veteran"))
    grade = conditions.special_care_grade[veteran].astype(float)
    rows.add(veteran, "special_care", VETERAN_GRADE_1_YUAN * VETERAN_GRADE_STEP ** (grade - 1))
    for name, yuan in SPECIAL_CARE_YUAN.items():
        members = np.flatnonzero(category == SPECIAL_CARE_CATEGORIES.index(name))
        rows.add(members, "special_care", yuan * rng.uniform(0.95, 1.05, len(members)))


def _luck(people: Composition, villages: Villages, rng: np.random.Generator) -> np.ndarray:
    household = rng.lognormal(0.0, HOUSEHOLD_LUCK_SIGMA, len(people.size))
    village = rng.lognormal(0.0, VILLAGE_LUCK_SIGMA, len(villages.codes))
    return (household * village[people.village])[people.household]


def _with_dates_and_history(
    rows: _Rows, conditions: Conditions, age_days: np.ndarray, rng: np.random.Generator
) -> Incomes:
    person = np.concatenate([part[0] for part in rows.parts])
    income_type = np.concatenate(
        [np.full(len(part[0]), part[1], dtype=np.int8) for part in rows.parts]
    )
    monthly = np.concatenate([part[2] for part in rows.parts])
    # Dates are counted in days before the reference date (so larger is earlier).
    earliest = np.maximum(_earliest_start(person, income_type, age_days), 1)
    death = conditions.death_offset_days[person]
    died = death >= 0
    # A record starts after the person is old enough for it and before they died; the rare record
    # that cannot satisfy both (someone who died just short of pension age) is dropped.
    valid_from = np.maximum(rng.integers(30, 1800, len(person)), np.where(died, death + 30, 0))
    valid_from = np.minimum(valid_from, earliest)
    possible = ~died | (valid_from > death)
    person, income_type, monthly = person[possible], income_type[possible], monthly[possible]
    valid_from, earliest, death, died = (
        valid_from[possible],
        earliest[possible],
        death[possible],
        died[possible],
    )
    valid_to = np.where(died, death, -1)

    work = np.isin(
        income_type, [INCOME_TYPES.index(name) for name in ("wages", "farm_net", "business")]
    )
    earlier = np.flatnonzero(work & ~died & (rng.random(len(person)) < HISTORY_SHARE))
    earlier_from = valid_from[earlier] + rng.integers(180, 1000, len(earlier))
    keep = earlier_from <= earliest[earlier]
    earlier, earlier_from = earlier[keep], earlier_from[keep]
    old_amount = (
        np.round(monthly[earlier] * rng.lognormal(-0.05, 0.2, len(earlier)) / 100).astype(np.int64)
        * 100
    )

    person = np.concatenate([person, person[earlier]])
    order = np.argsort(person, kind="stable")
    return Incomes(
        person=person[order],
        income_type=np.concatenate([income_type, income_type[earlier]])[order],
        monthly_fen=np.concatenate([monthly, old_amount])[order],
        valid_from_days=np.concatenate([valid_from, earlier_from])[order],
        valid_to_days=np.concatenate([valid_to, valid_from[earlier] + 1])[order],
        verified=(rng.random(len(person)) < VERIFIED_SHARE)[order],
    )


def _earliest_start(
    person: np.ndarray, income_type: np.ndarray, age_days: np.ndarray
) -> np.ndarray:
    """Days before the reference date on which the person became old enough for this income."""
    minimum_age = np.full(len(person), WORKING_AGE_START, dtype=float)
    for name, years in MINIMUM_AGE_FOR.items():
        minimum_age[income_type == INCOME_TYPES.index(name)] = years
    minimum_age[income_type == INCOME_TYPES.index("scholarship")] = 6
    minimum_age[income_type == INCOME_TYPES.index("special_care")] = 0
    return (age_days[person] - minimum_age * DAYS_PER_YEAR).astype(np.int64)


def _fen(yuan: np.ndarray) -> np.ndarray:
    return (np.round(yuan) * 100).astype(np.int64)
