"""Limits compared exactly: a total against ratio x amount x members, in integers.

A limit such as "per-capita income at most 1.5 x the standard" is decided on totals,
`income x den <= num x standard x members` with the ratio as the fraction num/den of its decimal
writing (1.5 = 3/2, 0.35 = 7/20): nothing is rounded before it is multiplied back, so a household
exactly on a line or a tier stays on the same side under any standard.
"""

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import polars as pl

from huimin.rules.binding import BoundParameters

Compare = Callable[[pl.Expr, pl.Expr], pl.Expr]


def at_most(total: pl.Expr, limit: pl.Expr) -> pl.Expr:
    return total <= limit


def below(total: pl.Expr, limit: pl.Expr) -> pl.Expr:
    return total < limit


def fraction(value: Any) -> Fraction:
    """A ratio as written (1.5 -> 3/2): through its decimal text, never its binary float."""
    return Fraction(str(value))


def within(
    total: pl.Expr, ratio: Any, amount: pl.Expr, members: pl.Expr, compare: Compare
) -> pl.Expr:
    """`compare(total, ratio x amount x members)` in integers, for one ratio value."""
    share = fraction(ratio)
    return compare(total * share.denominator, amount * members * share.numerator)


def within_parameter(
    p: BoundParameters,
    name: str,
    total: pl.Expr,
    amount: pl.Expr,
    members: pl.Expr,
    compare: Compare = at_most,
) -> pl.Expr:
    """`within` for a ratio parameter, built once per value in force and chosen per region."""
    return p.select(name, lambda ratio: within(total, ratio, amount, members, compare))


def share_times(ratio: Any, amount: pl.Expr, members: pl.Expr) -> pl.Expr:
    """ratio x amount x members to whole fen (half up), rounded once, at the end."""
    share = fraction(ratio)
    numerator = amount * members * share.numerator * 2 + share.denominator
    return (numerator // (2 * share.denominator)).cast(pl.Int64)
