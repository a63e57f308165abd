"""Old-age allowance (高龄津贴): person level, a monthly amount by age band 80-89, 90-99, 100+.

No Yunnan source was found; the shipped amounts are examples. Ages are taken on the last day of
the month, so the allowance starts in the month of the 80th birthday.
"""

from collections.abc import Mapping
from typing import Any

import polars as pl

from huimin.rules.program import (
    Context,
    Criterion,
    Program,
    Stage,
    all_passed,
    paid_if_eligible,
    rounded,
)
from huimin.rules.programs.common import alive_criterion, money, person_base, text

BANDS = ((100, "old_age.band_100_fen"), (90, "old_age.band_90_fen"), (80, "old_age.band_80_fen"))
CLAUSE = "LOCAL-OLD-AGE"  # no national regulation: each locality sets its own


def base(ctx: Context) -> pl.LazyFrame:
    return person_base(ctx, ())


def derive(ctx: Context) -> list[Stage]:
    return []


def criteria(ctx: Context) -> list[Criterion]:
    return [
        alive_criterion(),
        Criterion(
            name="aged_80_or_more",
            clause=CLAUSE,
            zh="本人年满80周岁",
            en="the person is 80 or older",
            value=pl.col("age"),
            op=">=",
            threshold=pl.lit(80, pl.Int64),
            unit="years",
        ),
    ]


def benefit(ctx: Context) -> list[Stage]:
    p = ctx.params
    age = pl.col("age")
    rate: Any = pl
    for lowest, name in BANDS:
        rate = rate.when(age >= lowest).then(p.expr(name))
    return [
        {
            "eligible": all_passed(criteria(ctx)),
            "band": pl.when(age >= 100)
            .then(pl.lit("100+"))
            .when(age >= 90)
            .then(pl.lit("90-99"))
            .when(age >= 80)
            .then(pl.lit("80-89"))
            .otherwise(pl.lit("none")),
            "raw_fen": rate.otherwise(0).cast(pl.Int64),
            "rounding_rule": p.select("old_age.rounding", pl.lit),
        },
        {"amount_fen": paid_if_eligible(rounded(p, "old_age.rounding", pl.col("raw_fen")))},
    ]


def describe(row: Mapping[str, Any], lang: str) -> str:
    if not row["eligible"]:
        return text(lang, "不符合条件，不发放。", "Not eligible: nothing is paid.")
    return text(
        lang,
        f"{row['age']} 岁，{row['band']} 岁档：{money(row, 'amount_fen')} 元/月",
        f"age {row['age']}, band {row['band']}: {money(row, 'amount_fen')} yuan a month",
    )


PROGRAM = Program(
    name="old_age",
    title_zh="高龄津贴",
    title_en="old-age allowance",
    level="person",
    clause=CLAUSE,
    parameters=(*(name for _, name in BANDS), "old_age.rounding"),
    base=base,
    derive=derive,
    criteria=criteria,
    benefit=benefit,
    describe=describe,
    outputs=("band",),
)
