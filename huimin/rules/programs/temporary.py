"""Temporary assistance (临时救助): household level, SAIM §47-48.

Urgent hardship (fire, accident, acute illness) is helped at once whatever the income;
expenditure-driven hardship needs income per person below last year's local disposable income per
person. The grant covers the expense up to a cap (a multiple of the monthly urban dibao standard);
small grants are approved by the township, larger ones by the county.
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
    share_of,
)
from huimin.rules.programs.common import (
    DISPOSABLE_PARAMETERS,
    RULE_WORDS,
    disposable_income,
    money,
    text,
)

COUNTED = "dibao.income.counted_types"
KINDS = ("urgent", "expenditure")


def base(ctx: Context) -> pl.LazyFrame:
    view = ctx.view
    income = view.household_income(ctx.params.type_months(COUNTED))
    return (
        view.households.lazy()
        .select(
            # one multi-column expression: eight names parse as one (the plan is identical)
            pl.col(
                "household_idx",
                "household_id",
                "region_code",
                "region_idx",
                "residence_type",
                "n_members",
                "emergency_kind",
                "emergency_expense_fen",
            )
        )
        .with_columns(pl.Series("income_counted_fen", income))
    )


def derive(ctx: Context) -> list[Stage]:
    p = ctx.params
    urban_standard = p.expr("dibao.standard.urban")
    members = pl.col("n_members")
    return [
        {
            "urban_standard_fen": urban_standard,
            "disposable_income_fen": disposable_income(p),
            "cap_fen": share_of(p.expr("temporary.cap_multiple"), urban_standard),
            "township_limit_fen": share_of(p.expr("temporary.township_multiple"), urban_standard),
            "annual_income_per_capita_fen": pl.when(members > 0).then(
                pl.col("income_counted_fen") * 12 / members
            ),
        }
    ]


def criteria(ctx: Context) -> list[Criterion]:
    members = pl.col("n_members")
    kind = pl.col("emergency_kind")
    below = (members > 0) & (
        pl.col("income_counted_fen") * 12 < pl.col("disposable_income_fen") * members
    )
    return [
        Criterion(
            name="has_hardship",
            clause="SAIM §47",
            zh="家庭遭遇急难型或支出型困难",
            en="the family faces urgent or expenditure-driven hardship",
            value=kind,
            passed=kind.is_in(KINDS),
        ),
        Criterion(
            name="income_test",
            clause="SAIM §47",
            zh="支出型困难家庭的年人均收入低于上年当地人均可支配收入（急难型不看收入）",
            en="for expenditure-driven hardship, yearly income per person is below last year's "
            "local disposable income per person (urgent hardship: no income test)",
            value=pl.col("annual_income_per_capita_fen"),
            op="<",
            threshold=pl.col("disposable_income_fen"),
            passed=(kind == "urgent") | below,
            parameters=(*DISPOSABLE_PARAMETERS, COUNTED),
            unit="fen/year",
        ),
        Criterion(
            name="has_expense",
            clause="SAIM §47",
            zh="有需要救助的支出",
            en="there is an expense to help with",
            value=pl.col("emergency_expense_fen"),
            op=">",
            threshold=pl.lit(0, pl.Int64),
            unit="fen",
        ),
    ]


def benefit(ctx: Context) -> list[Stage]:
    p = ctx.params
    return [
        {
            "eligible": all_passed(criteria(ctx)),
            "raw_fen": pl.min_horizontal(pl.col("emergency_expense_fen"), pl.col("cap_fen")),
            "rounding_rule": p.select("temporary.rounding", pl.lit),
        },
        {"amount_fen": paid_if_eligible(rounded(p, "temporary.rounding", pl.col("raw_fen")))},
        {
            "approval_level": pl.when(~pl.col("eligible"))
            .then(pl.lit("none"))
            .when(pl.col("amount_fen") <= pl.col("township_limit_fen"))
            .then(pl.lit("township"))
            .otherwise(pl.lit("county"))
        },
    ]


def describe(row: Mapping[str, Any], lang: str) -> str:
    if not row["eligible"]:
        return text(lang, "不符合条件，不发放。", "Not eligible: nothing is paid.")
    level_zh = {"township": "乡镇（街道）审批", "county": "县级审批"}[row["approval_level"]]
    rule_zh, rule_en = RULE_WORDS[row["rounding_rule"]]
    return text(
        lang,
        f"救助金额 = min(支出 {money(row, 'emergency_expense_fen')} 元, 上限 {money(row, 'cap_fen')} 元)"
        f"，{rule_zh}：{money(row, 'amount_fen')} 元；{level_zh}"
        f"（乡镇审批限额 {money(row, 'township_limit_fen')} 元）",
        f"grant = min(expense {money(row, 'emergency_expense_fen')}, cap {money(row, 'cap_fen')}), "
        f"{rule_en}: {money(row, 'amount_fen')} yuan; approved by the "
        f"{row['approval_level']} (township limit {money(row, 'township_limit_fen')})",
    )


PROGRAM = Program(
    name="temporary",
    title_zh="临时救助",
    title_en="temporary assistance",
    level="household",
    clause="SAIM §47-48",
    parameters=(
        "dibao.standard.urban",
        *DISPOSABLE_PARAMETERS,
        COUNTED,
        "temporary.cap_multiple",
        "temporary.township_multiple",
        "temporary.rounding",
    ),
    base=base,
    derive=derive,
    criteria=criteria,
    benefit=benefit,
    describe=describe,
    outputs=("emergency_kind", "approval_level"),
)
