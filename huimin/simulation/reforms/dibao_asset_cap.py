"""Dibao: a cap on the family's financial assets as a whole (adds a criterion)."""

from collections.abc import Mapping

import polars as pl

from huimin.rules.program import Context, Criterion, Program
from huimin.simulation.reforms.base import Option, ReformDefinition, add_criterion


def apply(program: Program, options: Mapping[str, int]) -> Program:
    cap = options["cap_fen"]

    def criterion(ctx: Context) -> Criterion:
        return Criterion(
            name="household_assets_within_cap",
            clause="reform",
            zh="家庭金融资产总额不超过上限",
            en="The family's financial assets in total are within the cap",
            value=pl.col("financial_assets_fen"),
            op="<=",
            threshold=pl.lit(cap, pl.Int64),
            unit="fen",
        )

    return add_criterion(program, criterion)


REFORM = ReformDefinition(
    name="dibao_asset_cap",
    program="dibao",
    title_zh="低保家庭金融资产总额上限",
    title_en="Dibao cap on the family's total financial assets",
    options={"cap_fen": Option("上限（分）", "cap (fen)", 10_000_000, 0, 10**12)},
    apply=apply,
)
