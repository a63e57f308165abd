"""Expressions several programs share: the dibao standard, disposable income, text helpers."""

from collections.abc import Mapping
from typing import Any

import polars as pl

from huimin.rules.binding import BoundParameters
from huimin.rules.program import PERSON_IDS, Context, Criterion, yuan

URBAN = pl.col("residence_type") == "urban"

STANDARD_PARAMETERS = ("dibao.standard.urban", "dibao.standard.rural")
DISPOSABLE_PARAMETERS = ("common.disposable_income.urban", "common.disposable_income.rural")


def dibao_standard(p: BoundParameters) -> pl.Expr:
    """The monthly dibao standard for the frame's residence type (SAIM §10)."""
    return (
        pl.when(URBAN)
        .then(p.expr("dibao.standard.urban"))
        .otherwise(p.expr("dibao.standard.rural"))
        .cast(pl.Int64)
    )


def disposable_income(p: BoundParameters) -> pl.Expr:
    """Last year's per-capita disposable income (fen/year) for the residence type."""
    return (
        pl.when(URBAN)
        .then(p.expr("common.disposable_income.urban"))
        .otherwise(p.expr("common.disposable_income.rural"))
        .cast(pl.Int64)
    )


def per_capita(total: str, members: str = "n_members") -> pl.Expr:
    """For display only: decisions compare totals with `limit x members`, exactly."""
    return pl.when(pl.col(members) > 0).then(pl.col(total) / pl.col(members))


def text(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def money(row: Mapping[str, Any], column: str) -> str:
    return yuan(row.get(column))


RULE_WORDS = {
    "fen": ("不取整", "not rounded"),
    "ceil_yuan": ("向上取整到元", "rounded up to whole yuan"),
    "round_yuan": ("四舍五入到元", "rounded to the nearest yuan"),
    "floor_yuan": ("向下取整到元", "rounded down to whole yuan"),
}


def rounding_line(row: Mapping[str, Any], lang: str, rule: str) -> str:
    zh, en = RULE_WORDS.get(rule, (rule, rule))
    return text(
        lang,
        f"合计 {money(row, 'raw_fen')} 元，{zh}：{money(row, 'amount_fen')} 元/月",
        f"total {money(row, 'raw_fen')} yuan, {en}: {money(row, 'amount_fen')} yuan a month",
    )


def alive_criterion() -> "Criterion":
    return Criterion(
        name="alive",
        clause="—",
        zh="本人在本月最后一天前已出生，且在本月第一天仍然在世",
        en="the person was born by the last day of the month and alive on its first day",
        value=pl.col("alive"),
        op="==",
        threshold=pl.lit(True),
    )


def person_base(
    ctx: Context, columns: tuple[str, ...], household_columns: tuple[str, ...] = ()
) -> pl.LazyFrame:
    """One row per person (every person, dead ones included: they fail `alive`), with the
    named columns of their household alongside."""
    persons = ctx.view.persons_with_households
    # one multi-column expression: a dozen names parse as one (the plan is identical)
    return persons.lazy().select(
        pl.col(*PERSON_IDS, "region_idx", "alive", "member", "age", *columns, *household_columns)
    )


def result_for_persons(ctx: Context, program: str, columns: tuple[str, ...]) -> list[pl.Expr]:
    """Columns of a household-level result, one value per person (result rows are households in
    household_idx order), as expressions for a frame of persons."""
    result = ctx.results[program]
    return [
        pl.lit(result[name]).gather(pl.col("household_idx")).alias(f"{program}.{name}")
        for name in columns
    ]
