"""Special care (优抚) periodic pensions: person level, a fixed monthly amount by category.

Disabled veterans are paid by disability grade (1-10); families of martyrs and of those who died
on duty, and veterans in difficulty, by category. These payments never count as dibao income.
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

CLAUSE = "军人抚恤优待条例"
FLAT_RATES = {
    "martyr_family": "special_care.martyr_family_fen",
    "died_on_duty_family": "special_care.died_on_duty_family_fen",
    "veteran_in_difficulty": "special_care.veteran_in_difficulty_fen",
}
BY_GRADE = "special_care.disabled_veteran_by_grade_fen"


def base(ctx: Context) -> pl.LazyFrame:
    return person_base(ctx, ("special_care_category", "special_care_grade"))


def derive(ctx: Context) -> list[Stage]:
    return [{"category": pl.col("special_care_category").fill_null("none")}]


def criteria(ctx: Context) -> list[Criterion]:
    category = pl.col("category")
    graded = pl.col("special_care_grade").is_between(1, 10)
    return [
        alive_criterion(),
        Criterion(
            name="entitled_category",
            clause=CLAUSE,
            zh="本人属于优抚对象（残疾军人须有评定的残疾等级）",
            en="the person is entitled to special care (a disabled veteran needs an assessed "
            "disability grade)",
            value=category,
            passed=category.is_in(list(FLAT_RATES)) | ((category == "disabled_veteran") & graded),
        ),
    ]


def benefit(ctx: Context) -> list[Stage]:
    p = ctx.params
    category = pl.col("category")
    by_grade = p.select(
        BY_GRADE,
        lambda table: pl.col("special_care_grade").replace_strict(
            list(range(1, 11)), table, default=0, return_dtype=pl.Int64
        ),
    )
    rate: Any = pl.when(category == "disabled_veteran").then(by_grade)
    for name, parameter in FLAT_RATES.items():
        rate = rate.when(category == name).then(p.expr(parameter))
    return [
        {
            "eligible": all_passed(criteria(ctx)),
            "raw_fen": rate.otherwise(0).cast(pl.Int64),
            "rounding_rule": p.select("special_care.rounding", pl.lit),
        },
        {"amount_fen": paid_if_eligible(rounded(p, "special_care.rounding", pl.col("raw_fen")))},
    ]


def describe(row: Mapping[str, Any], lang: str) -> str:
    if not row["eligible"]:
        return text(lang, "不符合条件，不发放。", "Not eligible: nothing is paid.")
    grade = f" grade {row['special_care_grade']}" if row["category"] == "disabled_veteran" else ""
    return text(
        lang,
        f"优抚类别 {row['category']}{grade}：{money(row, 'amount_fen')} 元/月",
        f"special care, {row['category']}{grade}: {money(row, 'amount_fen')} yuan a month",
    )


PROGRAM = Program(
    name="special_care",
    title_zh="优抚对象定期抚恤补助",
    title_en="special care pension",
    level="person",
    clause=CLAUSE,
    parameters=(BY_GRADE, *FLAT_RATES.values(), "special_care.rounding"),
    base=base,
    derive=derive,
    criteria=criteria,
    benefit=benefit,
    describe=describe,
    outputs=("special_care_category",),
)
