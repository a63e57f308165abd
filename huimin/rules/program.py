"""What a program is: named criteria, a benefit, the parameters it reads.

A program module builds, for one population and month:
- `base(ctx)`: a lazy frame with one row per household or person and every input column it
  needs (lazy, so it runs in the program's one query rather than as eager steps of its own);
- `derive(ctx)`: stages of columns computed from parameters (the standard that applies, ...);
- `criteria(ctx)`: `Criterion`s, each a Polars expression with its clause and a sentence in Chinese
  and English; by default a criterion passes when `value <op> threshold`;
- `benefit(ctx)`: ordered stages of named expressions that must define `eligible` and `amount_fen`
  (integer fen, 0 when not eligible) and may define intermediate columns the explanation reads.
The engine runs the same expressions for ten million households or for one (`explain`).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import polars as pl

if TYPE_CHECKING:
    from huimin.rules.binding import BoundParameters
    from huimin.rules.view import PeriodView

Level = Literal["household", "person"]
Stage = Mapping[str, pl.Expr]

OPERATORS: dict[str, Callable[[pl.Expr, pl.Expr], pl.Expr]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}

HOUSEHOLD_IDS = ("household_idx", "household_id", "region_code")
PERSON_IDS = ("person_idx", "person_id", "household_idx", "household_id")


@dataclass(frozen=True)
class Criterion:
    name: str
    clause: str
    zh: str
    en: str
    value: pl.Expr
    op: str | None = None
    threshold: pl.Expr | None = None
    passed: pl.Expr | None = None  # when the test is more than `value <op> threshold`
    parameters: tuple[str, ...] = ()
    unit: str = ""  # how to show value and threshold: "fen", "fen/year", "count", "years", ""

    def passed_expr(self) -> pl.Expr:
        if self.passed is not None:
            return self.passed
        if self.op is None or self.threshold is None:
            raise ValueError(f"criterion {self.name!r} needs passed, or op and threshold")
        return OPERATORS[self.op](pl.col(f"{self.name}.value"), pl.col(f"{self.name}.threshold"))


@dataclass
class Context:
    view: "PeriodView"
    params: "BoundParameters"
    results: dict[str, pl.DataFrame] = field(default_factory=dict)
    # the engine's built expressions per program, so explain reads the very criteria it ran
    compiled: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Program:
    name: str
    title_zh: str
    title_en: str
    level: Level
    clause: str
    parameters: tuple[str, ...]
    base: Callable[[Context], pl.LazyFrame]
    derive: Callable[[Context], list[Stage]]  # inputs computed from parameters, before criteria
    criteria: Callable[[Context], list[Criterion]]
    benefit: Callable[[Context], list[Stage]]
    describe: Callable[[Mapping[str, Any], str], str]  # the computation, from a detail row
    outputs: tuple[str, ...] = ()  # extra columns evaluate() keeps
    depends_on: tuple[str, ...] = ()
    # facts of the month, beyond parameter values, that decide which expressions are built
    # (dibao: the top-up combinations present): part of the engine's key for built expressions
    shape: Callable[[Context], tuple[Any, ...]] | None = None

    @property
    def id_columns(self) -> tuple[str, ...]:
        return HOUSEHOLD_IDS if self.level == "household" else PERSON_IDS


# Ratios (shares of a standard, multiples of an income) are decimals of at most six places
# (parameters.check_ratio refuses more), so a ratio is an exact integer number of millionths and
# a share of an amount is integer arithmetic: a float product would round 0.7 x 45 fen = 31.5 to
# 31.499999999999996, then down.
RATIO_SCALE = 1_000_000


def ratio_millionths(ratio: pl.Expr) -> pl.Expr:
    """A ratio as an integer number of millionths (exact for decimals of six places or fewer)."""
    return (ratio * RATIO_SCALE).round(0).cast(pl.Int64)


def share_of(ratio: pl.Expr, fen: pl.Expr) -> pl.Expr:
    """ratio x an amount in fen, to whole fen, rounding the exact product half up (toward +inf:
    ROUND_HALF_UP for the non-negative amounts of money). The program's own rounding parameter
    (`<program>.rounding`, ROUNDING_RULES) then rounds the benefit it pays."""
    product = ratio_millionths(ratio) * fen.cast(pl.Int64)
    return (product + RATIO_SCALE // 2) // RATIO_SCALE


def divide_half_up(fen: pl.Expr, divisor: int) -> pl.Expr:
    """An amount in fen divided by a whole number (a year by 12 months), half up, in integers."""
    return (fen.cast(pl.Int64) * 2 + divisor) // (2 * divisor)


ROUNDING_RULES: dict[str, Callable[[pl.Expr], pl.Expr]] = {
    "fen": lambda x: x,
    "ceil_yuan": lambda x: (x + 99) // 100 * 100,
    "round_yuan": lambda x: (x + 50) // 100 * 100,
    "floor_yuan": lambda x: x // 100 * 100,
}


def rounded(p: "BoundParameters", parameter: str, amount: pl.Expr) -> pl.Expr:
    return p.select(parameter, lambda rule: ROUNDING_RULES[rule](amount))


def all_passed(criteria: list[Criterion]) -> pl.Expr:
    return pl.all_horizontal([pl.col(c.name) for c in criteria])


def paid_if_eligible(amount: pl.Expr) -> pl.Expr:
    return pl.when(pl.col("eligible")).then(amount.clip(lower_bound=0)).otherwise(0).cast(pl.Int64)


def yuan(fen: Any) -> str:
    """Fen as yuan for people: 123456 -> '1,234.56'."""
    if fen is None:
        return "-"
    return f"{fen / 100:,.2f}"
