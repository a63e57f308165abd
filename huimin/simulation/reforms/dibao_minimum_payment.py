"""Dibao: every covered member gets at least a floor amount (replaces the benefit expression)."""

from collections.abc import Mapping

import polars as pl

from huimin.rules.program import Context, Program
from huimin.simulation.reforms.base import Option, ReformDefinition, replace_benefit


def apply(program: Program, options: Mapping[str, int]) -> Program:
    floor = options["floor_fen"]

    def amount(ctx: Context, shipped: pl.Expr) -> pl.Expr:
        at_least = pl.col("covered_members").cast(pl.Int64) * floor
        return (
            pl.when(pl.col("eligible"))
            .then(pl.max_horizontal(shipped, at_least))
            .otherwise(0)
            .cast(pl.Int64)
        )

    return replace_benefit(program, "amount_fen", amount)


REFORM = ReformDefinition(
    name="dibao_minimum_payment",
    program="dibao",
    title_zh="低保保底金额：每位保障对象每月至少领取",
    title_en="Dibao floor: each covered member gets at least",
    options={
        "floor_fen": Option(
            "每人每月保底（分）", "floor per member per month (fen)", 5000, 0, 10_000_000
        )
    },
    apply=apply,
)
