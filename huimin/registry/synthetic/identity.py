"""Birth dates, ethnicity, names and resident identity numbers.

Identity numbers follow GB 11643: issuing county (6) + birth date (8) + sequence (3, odd for men,
even for women) + an ISO 7064 MOD 11-2 check character. The check is computed here with numpy for
speed; the tests hold it against `stdnum.cn.ric` on every row of a run.
"""

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import numpy as np
import polars as pl
from stdnum import numdb

from huimin.registry.synthetic.households import Composition
from huimin.registry.synthetic.places import Villages
from huimin.registry.synthetic.streams import choice_by_row
from huimin.registry.synthetic.vocab import CHILD, ETHNICITIES, OTHER, PARENT, SPOUSE

NAMES_DIR = Path(__file__).resolve().parents[1] / "names"
DAYS_PER_YEAR = 365.2425
EPOCH = date(1970, 1, 1)

ID_WEIGHTS = np.array(
    [pow(2, 17 - i, 11) for i in range(17)], dtype=np.int64
)  # 7 9 10 5 8 4 2 1 6 3 …
ID_CHECK_CHARS = "10X98765432"
# Sequence numbers per (county, birth date, sex): 499 odd ones for men (001-997), 499 even for women.
SEQUENCES_PER_SEX = 499
SEQUENCE_STRIDE = 97  # coprime with 499, so successive people get scattered, distinct numbers

# Codes that replaced an older one for the same place, for people born before the change.
PREDECESSORS = {532901: 532921}  # Dali county became Dali city in 1983
_LOCATIONS = numdb.get("cn/loc")

ISSUED_ELSEWHERE = 0.08  # identity numbers issued in another county of the run (people who moved)
SAME_PEOPLE_AS_SPOUSE = 0.8
CHILD_TAKES_MINORITY_MOTHER = 0.6
TRANSLITERATED_SHARE = {"Yi": 0.3, "Lisu": 0.4, "Naxi": 0.15}
TWO_CHARACTER_GIVEN_NAME = 0.75
GENERATION_BOUNDARY_YEAR = 1980


@dataclass(frozen=True)
class Identity:
    birth_days: np.ndarray  # int32 days since 1970-01-01
    ethnicity: np.ndarray  # index into ETHNICITIES
    name: pl.Series
    id_number: pl.Series


def draw_identity(
    people: Composition, villages: Villages, as_of: date, rng: np.random.Generator
) -> Identity:
    as_of_days = (as_of - EPOCH).days
    birth_days = (as_of_days - np.floor(people.age * DAYS_PER_YEAR)).astype(np.int32)
    ethnicity = _ethnicities(people, villages, rng)
    county = villages.county_codes[people.village[people.household]]
    moved = rng.random(len(county)) < ISSUED_ELSEWHERE
    elsewhere = villages.county_codes[
        rng.choice(len(villages.codes), size=len(county), p=villages.weights)
    ]
    issuing_county = issuing_codes(np.where(moved, elsewhere, county), birth_days)
    return Identity(
        birth_days=birth_days,
        ethnicity=ethnicity,
        name=_names(people, ethnicity, birth_days, rng),
        id_number=id_numbers(issuing_county, birth_days, people.male, rng),
    )


def issuing_codes(county: np.ndarray, birth_days: np.ndarray) -> np.ndarray:
    """The address code each number was issued under: the county's code as it was in the birth year.

    `stdnum.cn.ric` accepts a number only if its address code existed in the year of birth, so a
    person born in Dali county before it became Dali city in 1983 carries 532921, not 532901.
    """
    years = _yyyymmdd(birth_days) // 10000
    pairs, inverse = np.unique(county.astype(np.int64) * 10000 + years, return_inverse=True)
    mapped = np.array([_code_in_year(int(pair // 10000), int(pair % 10000)) for pair in pairs])
    return mapped[inverse.ravel()]


def id_numbers(
    county: np.ndarray, birth_days: np.ndarray, male: np.ndarray, rng: np.random.Generator
) -> pl.Series:
    """18-character identity numbers, unique within the call."""
    sequence = _sequences(county, birth_days, male, rng)
    body = county.astype(np.int64) * 10**11 + _yyyymmdd(birth_days) * 1000 + sequence
    check = id_check_indices(body)
    digits = pl.Series(body).cast(pl.Utf8).str.zfill(17)
    return pl.select(
        pl.concat_str(digits, pl.Series(list(ID_CHECK_CHARS)).gather(check))
    ).to_series()


def id_check_indices(body: np.ndarray) -> np.ndarray:
    """Index into ID_CHECK_CHARS of the MOD 11-2 check character of each 17-digit body."""
    total = np.zeros(len(body), dtype=np.int64)
    for position, weight in enumerate(ID_WEIGHTS):
        total += (body // 10 ** (16 - position)) % 10 * weight
    return total % 11


def _sequences(
    county: np.ndarray, birth_days: np.ndarray, male: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    # Number people sharing county, birth date and sex 0, 1, 2 … in a random order, then spread
    # those ranks over the sex's sequence numbers from a random start.
    group = (county.astype(np.int64) * 100_000 + birth_days.astype(np.int64)) * 2 + male
    order = np.lexsort((rng.random(len(group)), group))
    sorted_group = group[order]
    starts = np.flatnonzero(np.r_[True, sorted_group[1:] != sorted_group[:-1]])
    lengths = np.diff(np.r_[starts, len(group)])
    if lengths.max(initial=0) > SEQUENCES_PER_SEX:
        raise ValueError(
            "too many people share a county, birth date and sex for unique identity numbers"
        )
    rank_sorted = np.arange(len(group)) - np.repeat(starts, lengths)
    offset_sorted = np.repeat(rng.integers(0, SEQUENCES_PER_SEX, len(starts)), lengths)
    slot = np.empty(len(group), dtype=np.int64)
    slot[order] = (offset_sorted + rank_sorted * SEQUENCE_STRIDE) % SEQUENCES_PER_SEX
    return 2 * slot + np.where(male, 1, 2)


@cache
def _code_in_year(code: int, year: int) -> int:
    candidates = [code, PREDECESSORS.get(code, code)] + _codes_of_prefecture(code // 100)
    for candidate in candidates:
        if _existed(candidate, year):
            return candidate
    raise ValueError(f"no address code of prefecture {code // 100} existed in {year}")


def _existed(code: int, year: int) -> bool:
    counties = [props["county"] for _, props in _LOCATIONS.info(str(code)) if "county" in props]
    if not counties:
        return False
    for entry in counties[-1].split(","):
        if not entry.startswith("["):
            return True
        start, end = entry[1:].split("]")[0].split("-")
        if (not start or year >= int(start)) and (not end or year <= int(end)):
            return True
    return False


@cache
def _codes_of_prefecture(prefecture: int) -> list[int]:
    return [
        prefecture * 100 + county
        for county in range(1, 100)
        if _existed(prefecture * 100 + county, 2000)
    ]


def _yyyymmdd(days: np.ndarray) -> np.ndarray:
    moments = days.astype("datetime64[D]")
    years = moments.astype("datetime64[Y]").astype(np.int64) + 1970
    months = moments.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day_of_month = (moments - moments.astype("datetime64[M]")).astype(np.int64) + 1
    return years * 10000 + months * 100 + day_of_month


def _ethnicities(people: Composition, villages: Villages, rng: np.random.Generator) -> np.ndarray:
    shares = villages.ethnic_shares[people.village]
    household_people = choice_by_row(rng, shares)
    ethnicity = household_people[people.household]
    # Spouses, children-in-law and the head's mother married in and may be of another people.
    married_in = (
        (people.relation == SPOUSE)
        | (people.relation == OTHER)
        | ((people.relation == PARENT) & ~people.male)
    )
    own = choice_by_row(rng, shares[people.household[married_in]])
    keep = rng.random(len(own)) < SAME_PEOPLE_AS_SPOUSE
    ethnicity[married_in] = np.where(keep, ethnicity[married_in], own)
    # A child of a Han father and a minority mother is often registered with the mother's people.
    mother = people.mother
    han = ETHNICITIES.index("Han")
    has_minority_mother = (people.relation == CHILD) & (mother >= 0) & (ethnicity == han)
    has_minority_mother &= ethnicity[np.maximum(mother, 0)] != han
    takes = has_minority_mother & (rng.random(len(mother)) < CHILD_TAKES_MINORITY_MOTHER)
    ethnicity[takes] = ethnicity[mother[takes]]
    return ethnicity.astype(np.int8)


def _names(
    people: Composition, ethnicity: np.ndarray, birth_days: np.ndarray, rng: np.random.Generator
) -> pl.Series:
    surname = _surnames(people, ethnicity, rng)
    given = _given_names(people.male, birth_days, rng)
    for people_name, share in TRANSLITERATED_SHARE.items():
        chosen = (ethnicity == ETHNICITIES.index(people_name)) & (
            rng.random(len(ethnicity)) < share
        )
        given = _replace(given, chosen, _transliterated(people_name, people.male[chosen], rng))
    tibetan = ethnicity == ETHNICITIES.index("Zang")
    surname = _replace(surname, tibetan, np.full(int(tibetan.sum()), ""))
    given = _replace(given, tibetan, _tibetan_names(people.male[tibetan], rng))
    return pl.select(pl.concat_str(surname, given)).to_series()


def _surnames(people: Composition, ethnicity: np.ndarray, rng: np.random.Generator) -> pl.Series:
    # The head's line (head, children, grandchildren, siblings, father) shares the head's surname;
    # those who married in, and the head's mother, carry their own.
    tables = _surname_tables()
    own = np.empty(len(ethnicity), dtype=object)
    for index, people_name in enumerate(ETHNICITIES):
        members = np.flatnonzero(ethnicity == index)
        names, weights = tables.get(people_name, tables["Han"])
        own[members] = names[rng.choice(len(names), size=len(members), p=weights)]
    married_in = (
        (people.relation == SPOUSE)
        | (people.relation == OTHER)
        | ((people.relation == PARENT) & ~people.male)
    )
    line = own[people.first_person[people.household]]
    return pl.Series(np.where(married_in, own, line), dtype=pl.Utf8)


def _given_names(male: np.ndarray, birth_days: np.ndarray, rng: np.random.Generator) -> pl.Series:
    older = birth_days < (date(GENERATION_BOUNDARY_YEAR, 1, 1) - EPOCH).days
    first = np.empty(len(male), dtype=object)
    second = np.empty(len(male), dtype=object)
    for sex_is_male in (True, False):
        for is_older in (True, False):
            members = np.flatnonzero((male == sex_is_male) & (older == is_older))
            chars, weights = _given_table("M" if sex_is_male else "F", is_older)
            first[members] = chars[rng.choice(len(chars), size=len(members), p=weights)]
            second[members] = chars[rng.choice(len(chars), size=len(members), p=weights)]
    single = rng.random(len(male)) >= TWO_CHARACTER_GIVEN_NAME
    second[single] = ""
    return pl.select(
        pl.concat_str(pl.Series(first, dtype=pl.Utf8), pl.Series(second, dtype=pl.Utf8))
    ).to_series()


def _transliterated(people_name: str, male: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    names = _transliterated_table()
    chosen = np.empty(len(male), dtype=object)
    for sex_is_male in (True, False):
        pool = names[(people_name, "given", "M" if sex_is_male else "F")]
        members = np.flatnonzero(male == sex_is_male)
        chosen[members] = pool[rng.integers(0, len(pool), len(members))]
    return chosen


def _tibetan_names(male: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    names = _transliterated_table()
    first = names[("Zang", "first", "U")]
    result = first[rng.integers(0, len(first), len(male))].astype(object)
    for sex_is_male in (True, False):
        pool = names[("Zang", "second", "M" if sex_is_male else "F")]
        members = np.flatnonzero(male == sex_is_male)
        result[members] = result[members] + pool[rng.integers(0, len(pool), len(members))]
    return result


def _replace(series: pl.Series, mask: np.ndarray, values: np.ndarray) -> pl.Series:
    if not mask.any():
        return series
    return series.scatter(np.flatnonzero(mask), pl.Series(values, dtype=pl.Utf8))


@cache
def _surname_tables() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    grouped: dict[str, list[tuple[str, float]]] = {}
    for row in _read("surnames.csv"):
        grouped.setdefault(row["ethnicity"], []).append((row["surname"], float(row["weight"])))
    return {people_name: _weighted(rows) for people_name, rows in grouped.items()}


@cache
def _given_table(sex: str, older: bool) -> tuple[np.ndarray, np.ndarray]:
    column = "weight_born_before_1980" if older else "weight_born_from_1980"
    rows = [
        (row["char"], float(row[column])) for row in _read("given_chars.csv") if row["sex"] == sex
    ]
    return _weighted([(char, weight) for char, weight in rows if weight > 0])


@cache
def _transliterated_table() -> dict[tuple[str, str, str], np.ndarray]:
    grouped: dict[tuple[str, str, str], list[str]] = {}
    for row in _read("transliterated_names.csv"):
        grouped.setdefault((row["ethnicity"], row["part"], row["sex"]), []).append(row["name"])
    return {key: np.array(names, dtype=object) for key, names in grouped.items()}


def _weighted(rows: list[tuple[str, float]]) -> tuple[np.ndarray, np.ndarray]:
    names = np.array([name for name, _ in rows], dtype=object)
    weights = np.array([weight for _, weight in rows])
    return names, weights / weights.sum()


def _read(filename: str) -> list[dict[str, str]]:
    with (NAMES_DIR / filename).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
