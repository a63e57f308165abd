"""Vocabularies of the coded columns. Arrays hold indices into these tuples until the frames are built."""

import numpy as np
import polars as pl

from huimin.registry.ethnic_groups import GROUPS as ETHNIC_GROUPS
from huimin.rules.schema import INCOME_TYPES, PARENT_STATUSES, SPECIAL_CARE_CATEGORIES

RELATIONS = ("head", "spouse", "child", "parent", "grandchild", "sibling", "other")
HEAD, SPOUSE, CHILD, PARENT, GRANDCHILD, SIBLING, OTHER = range(len(RELATIONS))

MARITAL_STATUSES = ("never_married", "married", "divorced", "widowed")
NEVER_MARRIED, MARRIED, DIVORCED, WIDOWED = range(len(MARITAL_STATUSES))

# Romanised names as in GB 3304; Zang is Tibetan.
ETHNICITIES = ("Han", "Bai", "Yi", "Hui", "Lisu", "Naxi", "Miao", "Zang", "Hani", "Dai", "Zhuang")
# What the registry stores for each of them: its GB/T 3304 code (01 Han, 14 Bai, ...).
ETHNICITY_CODES = tuple(
    next(code for code, _zh, en in ETHNIC_GROUPS if en == name) for name in ETHNICITIES
)

NOT_COUNTED_REASONS = ("soldier", "prisoner", "clergy")

__all__ = [
    "ETHNICITIES",
    "ETHNICITY_CODES",
    "INCOME_TYPES",
    "MARITAL_STATUSES",
    "NOT_COUNTED_REASONS",
    "PARENT_STATUSES",
    "RELATIONS",
    "SPECIAL_CARE_CATEGORIES",
    "labels",
]


def labels(
    codes: np.ndarray, vocabulary: tuple[str, ...], *, missing: np.ndarray | None = None
) -> pl.Series:
    """Turn an array of indices into a string column; rows flagged `missing` become null."""
    series = pl.Series(vocabulary, dtype=pl.Utf8).gather(pl.Series(codes, dtype=pl.UInt32))
    if missing is not None:
        series = series.set(pl.Series(missing), None)
    return series
