"""The villages a population is spread over: their county, residence type, address and people.

Names and ethnic composition come from the shipped region table and name data when the village is
in them; an unknown but well-formed village code still works (its address then shows the code).
"""

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from huimin.registry.synthetic.streams import choice_by_row, stream
from huimin.registry.synthetic.vocab import ETHNICITIES

REGIONS_CSV = Path(__file__).resolve().parents[2] / "core" / "data" / "regions_yunnan.csv"
ETHNICITY_CSV = Path(__file__).resolve().parents[1] / "names" / "ethnicity_shares.csv"

# Township part of the statistical code: 001-099 are subdistricts (街道), i.e. urban.
URBAN_TOWNSHIP_LIMIT = 100
# Residents' committees (社区) have village numbers 001-199, village committees 200-399.
COMMUNITY_LIMIT = 200
# Relative population of a village: urban communities are several times a mountain village.
SUBDISTRICT_COMMUNITY_WEIGHT = 5.0
TOWN_COMMUNITY_WEIGHT = 2.0
# How strongly a village leans towards one people (villages are often mostly Bai, or mostly Yi).
ETHNIC_CLUSTERING = 0.5


@dataclass(frozen=True)
class Villages:
    codes: list[str]
    county_codes: np.ndarray  # int64, 6-digit GB/T 2260 code of each village's county
    urban: np.ndarray  # bool
    community: np.ndarray  # bool: residents' committee rather than village committee
    address_prefixes: list[str]  # "大理市下关街道龙山社区"
    weights: np.ndarray  # relative population, sums to 1
    ethnic_shares: np.ndarray  # (villages, ETHNICITIES) row-stochastic


def villages_under(prefix: str) -> list[str]:
    """The 12-digit codes of the shipped villages whose code starts with `prefix` (e.g. "5329")."""
    return [
        row["code"]
        for row in _region_rows()
        if row["level"] == "village" and row["code"].startswith(prefix)
    ]


def load_villages(codes: list[str], seed: int) -> Villages:
    for code in codes:
        check_village_code(code)
    if len(set(codes)) != len(codes):
        raise ValueError("village codes must not repeat")
    township_parts = np.array([int(code[6:9]) for code in codes])
    village_parts = np.array([int(code[9:]) for code in codes])
    urban = township_parts < URBAN_TOWNSHIP_LIMIT
    community = village_parts < COMMUNITY_LIMIT
    return Villages(
        codes=list(codes),
        county_codes=np.array([int(code[:6]) for code in codes], dtype=np.int64),
        urban=urban,
        community=community,
        address_prefixes=[address_prefix(code) for code in codes],
        weights=_population_weights(urban, community, seed),
        ethnic_shares=_ethnic_shares(codes, seed),
    )


def check_village_code(code: str) -> None:
    if len(code) != 12 or not code.isdigit() or code[6:9] == "000" or code[9:] == "000":
        raise ValueError(f"{code!r} is not a 12-digit village code")


def address_prefix(code: str) -> str:
    names = _region_names()
    parts = [names.get(code[:length]) for length in (6, 9, 12)]
    if None in parts:
        return f"区划{code}"
    return "".join(part for part in parts if part)


def _population_weights(urban: np.ndarray, community: np.ndarray, seed: int) -> np.ndarray:
    rng = stream(seed, "village sizes")
    weights = np.where(community & urban, SUBDISTRICT_COMMUNITY_WEIGHT, 1.0)
    weights = np.where(community & ~urban, TOWN_COMMUNITY_WEIGHT, weights)
    weights = weights * rng.lognormal(0.0, 0.35, len(weights))
    return weights / weights.sum()


def _ethnic_shares(codes: list[str], seed: int) -> np.ndarray:
    rng = stream(seed, "village peoples")
    base = np.array([_shares_for(code) for code in codes])
    leading = choice_by_row(rng, base)
    return (1 - ETHNIC_CLUSTERING) * base + ETHNIC_CLUSTERING * np.eye(len(ETHNICITIES))[leading]


def _shares_for(code: str) -> np.ndarray:
    table = _ethnicity_table()
    for length in (6, 4, 2):
        if code[:length] in table:
            return table[code[:length]]
    only_han = np.zeros(len(ETHNICITIES))
    only_han[ETHNICITIES.index("Han")] = 1.0
    return only_han


@cache
def _ethnicity_table() -> dict[str, np.ndarray]:
    table: dict[str, np.ndarray] = {}
    with ETHNICITY_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            shares = table.setdefault(row["region_code"], np.zeros(len(ETHNICITIES)))
            shares[ETHNICITIES.index(row["ethnicity"])] = float(row["share"])
    return {code: shares / shares.sum() for code, shares in table.items()}


@cache
def _region_rows() -> tuple[dict[str, str], ...]:
    with REGIONS_CSV.open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


@cache
def _region_names() -> dict[str, str]:
    # Keyed by short code; a village's short code is its full 12-digit code.
    return {row["code"]: row["name_zh"] for row in _region_rows()}
