"""Minimum living allowance (最低生活保障, dibao): household level.

Family: members alive on the first day of the month and counted in the family (soldiers on duty,
prisoners, clergy away over a year are not, CQ-DB §11). Income: the counted types of the members'
income valid in the month, less medical and disability costs where deductible (CQ-DB §12).
Benefit (SAIM §12): standard x members - income, i.e. (standard - per-capita income) x members;
or, where the parameter says so, a share of the standard by income tier. Plus one classified
top-up per member in a category, the highest that applies (not stacked). A family that fails only
on income may still have an adult severely disabled or bedridden seriously ill member covered alone
(单人保, CQ-DB §11). Near-poor is a status, not a payment.
"""

from collections.abc import Mapping
from typing import Any

import polars as pl

from huimin.rules.binding import BoundParameters
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
    STANDARD_PARAMETERS,
    dibao_standard,
    disposable_income,
    money,
    per_capita,
    rounding_line,
    text,
)
from huimin.rules.view import TOPUP_CATEGORIES, topup_label

COUNTED = "dibao.income.counted_types"
ASSET_CRITERIA = (
    "financial_assets_within_limit",
    "no_costly_vehicle",
    "no_commercial_property",
    "homes_within_limit",
)
TOPUP_RATIOS = {category: f"dibao.topup.{category}_ratio" for category in TOPUP_CATEGORIES}
HOUSEHOLD_INPUTS = (
    "household_idx",
    "household_id",
    "region_code",
    "region_idx",
    "residence_type",
    "financial_assets_fen",
    "vehicle_value_fen",
    "commercial_property_count",
    "home_count",
    "deductible_expense_fen",
    "n_members",
    "n_single_candidates",
)


def base(ctx: Context) -> pl.DataFrame:
    view, p = ctx.view, ctx.params
    counted = p.type_mask(COUNTED)
    single = view.persons["single_candidate"].to_numpy()
    topups = [c for c in view.households.columns if c.startswith(("topup.", "single_topup."))]
    return view.households.select(*HOUSEHOLD_INPUTS, *topups).with_columns(
        pl.Series("income_counted_fen", view.household_income(counted)),
        pl.Series("single_income_fen", view.household_income(counted, persons=single)),
    )


def derive(ctx: Context) -> list[Stage]:
    p = ctx.params
    net = p.select(
        "dibao.income.deduct_expenses",
        lambda deduct: (pl.col("income_counted_fen") - pl.col("deductible_expense_fen")).clip(0)
        if deduct
        else pl.col("income_counted_fen"),
    )
    return [
        {
            "standard_fen": dibao_standard(p),
            "disposable_income_fen": disposable_income(p),
            "income_net_fen": net,
        },
        {
            "asset_limit_per_capita_fen": share_of(
                p.expr("dibao.asset.financial_multiple"), pl.col("disposable_income_fen")
            ),
            "per_capita_income_fen": per_capita("income_net_fen"),
            "per_capita_assets_fen": per_capita("financial_assets_fen"),
        },
    ]


def criteria(ctx: Context) -> list[Criterion]:
    p = ctx.params
    members = pl.col("n_members")
    return [
        Criterion(
            name="has_members",
            clause="CQ-DB §11",
            zh="家庭至少有一名共同生活、计入家庭的成员",
            en="the family has at least one living member who counts in the family",
            value=members,
            op=">=",
            threshold=pl.lit(1, pl.Int64),
            unit="count",
        ),
        Criterion(
            name="income_below_standard",
            clause="SAIM §9",
            zh="家庭月人均收入低于当地低保标准",
            en="the family's monthly income per person is below the local dibao standard",
            value=pl.col("per_capita_income_fen"),
            op="<",
            threshold=pl.col("standard_fen"),
            passed=(members > 0) & (pl.col("income_net_fen") < pl.col("standard_fen") * members),
            parameters=(*STANDARD_PARAMETERS, COUNTED, "dibao.income.deduct_expenses"),
            unit="fen",
        ),
        Criterion(
            name="financial_assets_within_limit",
            clause="SAIM §9",
            zh="家庭人均金融资产不超过上年人均可支配收入的规定倍数",
            en="financial assets per person are within the set multiple of last year's "
            "disposable income per person",
            value=pl.col("per_capita_assets_fen"),
            op="<=",
            threshold=pl.col("asset_limit_per_capita_fen"),
            passed=pl.col("financial_assets_fen")
            <= pl.col("asset_limit_per_capita_fen") * members.clip(1),
            parameters=("dibao.asset.financial_multiple", *DISPOSABLE_PARAMETERS),
            unit="fen",
        ),
        Criterion(
            name="no_costly_vehicle",
            clause="SAIM §9",
            zh="家庭没有价值达到限额的机动车（残疾人功能性补偿代步车除外）",
            en="the family has no vehicle (other than a disability vehicle) worth the limit or more",
            value=pl.col("vehicle_value_fen"),
            op="<",
            threshold=p.expr("dibao.asset.vehicle_limit_fen"),
            parameters=("dibao.asset.vehicle_limit_fen",),
            unit="fen",
        ),
        Criterion(
            name="no_commercial_property",
            clause="SAIM §9",
            zh="家庭没有商业用房",
            en="the family owns no commercial property",
            value=pl.col("commercial_property_count").cast(pl.Int64),
            op="<=",
            threshold=p.expr("dibao.asset.commercial_property_max"),
            parameters=("dibao.asset.commercial_property_max",),
            unit="count",
        ),
        Criterion(
            name="homes_within_limit",
            clause="SAIM §9",
            zh="家庭住房不超过规定套数",
            en="the family owns no more homes than allowed",
            value=pl.col("home_count").cast(pl.Int64),
            op="<=",
            threshold=p.expr("dibao.asset.home_max"),
            parameters=("dibao.asset.home_max",),
            unit="count",
        ),
    ]


def benefit(ctx: Context) -> list[Stage]:
    p = ctx.params
    members = pl.col("n_members")
    standard = pl.col("standard_fen")
    income = pl.col("income_net_fen")
    family = all_passed(criteria(ctx))
    assets_ok = pl.all_horizontal([pl.col(name) for name in ASSET_CRITERIA])
    single_limit = share_of(p.expr("dibao.single_person.income_ratio"), standard)
    near_poor_limit = share_of(p.expr("dibao.near_poor.income_ratio"), standard)
    single_ok = assets_ok & (pl.col("n_single_candidates") > 0) & (income <= single_limit * members)
    topup_each = _topup_each(ctx)
    return [
        {
            "coverage": pl.when(family)
            .then(pl.lit("family"))
            .when(single_ok)
            .then(pl.lit("single_person"))
            .otherwise(pl.lit("none")),
            "near_poor": ~family & assets_ok & (members > 0) & (income <= near_poor_limit * members),
            "formula": p.select("dibao.formula", pl.lit),
            "tier": p.select("dibao.formula", lambda f: _tier(p) if f == "tiered" else pl.lit(None)),
            "rounding_rule": p.select("dibao.rounding", pl.lit),
            **topup_each,
        },
        {
            "family_base_fen": p.select("dibao.formula", lambda f: _family_base(p, f)),
            "single_base_fen": (standard * pl.col("n_single_candidates") - pl.col("single_income_fen"))
            .clip(0),
            "topup_fen": _topup_sum(topup_each, "topup"),
            "single_topup_fen": _topup_sum(topup_each, "single_topup"),
            "eligible": pl.col("coverage") != "none",
        },
        {
            "covered_members": _by_coverage(members, pl.col("n_single_candidates")),
            "raw_fen": _by_coverage(
                pl.col("family_base_fen") + pl.col("topup_fen"),
                pl.col("single_base_fen") + pl.col("single_topup_fen"),
            ),
        },
        {"amount_fen": paid_if_eligible(rounded(p, "dibao.rounding", pl.col("raw_fen")))},
    ]


def _by_coverage(family: pl.Expr, single: pl.Expr) -> pl.Expr:
    coverage = pl.col("coverage")
    return (
        pl.when(coverage == "family")
        .then(family)
        .when(coverage == "single_person")
        .then(single)
        .otherwise(0)
        .cast(pl.Int64)
    )


def _tier(p: BoundParameters) -> pl.Expr:
    """1-based tier of the per-capita income: the first whose upper share it is below."""
    tiers = p.per_region("dibao.tiers")[0] if False else None  # noqa: F841 - see _tiers
    return _tier_chain(p, lambda index, pay: pl.lit(index, pl.Int64))


def _family_base(p: BoundParameters, formula: str) -> pl.Expr:
    members = pl.col("n_members")
    standard = pl.col("standard_fen")
    if formula == "difference":
        return standard * members - pl.col("income_net_fen")
    return _tier_chain(p, lambda index, pay: share_of(pl.lit(pay), standard) * members)


def _tier_chain(p: BoundParameters, result) -> pl.Expr:  # type: ignore[no-untyped-def]
    def build(tiers: list[list[float]]) -> pl.Expr:
        members = pl.col("n_members")
        standard = pl.col("standard_fen")
        chain: Any = pl
        for index, (upper, pay) in enumerate(tiers, start=1):
            below = pl.col("income_net_fen") < share_of(pl.lit(upper), standard) * members
            chain = chain.when(below).then(result(index, pay))
        return chain.otherwise(None)

    return p.select("dibao.tiers", build)


def _topup_each(ctx: Context) -> dict[str, pl.Expr]:
    """Per category combination present, the top-up of one member: the highest ratio of the
    categories they are in, times the standard (one top-up per member, not stacked)."""
    p = ctx.params
    codes = sorted(set(ctx.view.topup_codes("topup")) | set(ctx.view.topup_codes("single_topup")))
    each = {}
    for code in codes:
        ratios = [
            p.expr(TOPUP_RATIOS[category])
            for bit, category in enumerate(TOPUP_CATEGORIES)
            if code >> bit & 1
        ]
        each[f"topup_each.{code}"] = share_of(pl.max_horizontal(ratios), pl.col("standard_fen"))
    return each


def _topup_sum(topup_each: dict[str, pl.Expr], prefix: str) -> pl.Expr:
    terms = [
        pl.col(f"{prefix}.{name.split('.')[1]}") * pl.col(name)
        for name in topup_each
        if True
    ]
    return pl.sum_horizontal(terms) if terms else pl.lit(0, pl.Int64)
