"""Natural disaster relief (自然灾害救助): household level, NDRR §14-21.

Amounts by category: transitional living assistance per member per day (capped in days), a
consolation per death, a reconstruction grant per destroyed home, winter-spring assistance per
person in need. Relief records the situation; this program prices it.
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
from huimin.rules.programs.common import money, text

PARTS = ("transitional_fen", "death_consolation_fen", "reconstruction_fen", "winter_spring_fen")


# built once: expressions are immutable, and building them costs more than running them on a
# household or two
INPUTS = (
    pl.col("household_idx", "household_id", "region_code", "region_idx", "n_members"),
    pl.col("disaster_deaths").cast(pl.Int64),
    pl.col("disaster_home_destroyed").fill_null(False),
    pl.col("disaster_transitional_days").cast(pl.Int64),
    pl.col("disaster_winter_spring_persons").cast(pl.Int64),
)


def base(ctx: Context) -> pl.LazyFrame:
    return ctx.view.households.lazy().select(INPUTS)


def derive(ctx: Context) -> list[Stage]:
    return [
        {
            "transitional_days_paid": pl.min_horizontal(
                pl.col("disaster_transitional_days"),
                ctx.params.expr("disaster.transitional_max_days"),
            ).clip(0),
        }
    ]


def criteria(ctx: Context) -> list[Criterion]:
    affected = (
        (pl.col("disaster_deaths") > 0)
        | pl.col("disaster_home_destroyed")
        | (pl.col("disaster_transitional_days") > 0)
        | (pl.col("disaster_winter_spring_persons") > 0)
    )
    return [
        Criterion(
            name="affected_by_disaster",
            clause="NDRR §14",
            zh="家庭受灾：有人员死亡、住房倒塌损毁、需要过渡安置或冬春生活救助",
            en="the household was hit by a disaster: a death, a destroyed home, transitional "
            "resettlement or winter-spring need",
            value=pl.struct(
                "disaster_deaths",
                "disaster_home_destroyed",
                "disaster_transitional_days",
                "disaster_winter_spring_persons",
            ),
            passed=affected,
        )
    ]


def benefit(ctx: Context) -> list[Stage]:
    p = ctx.params
    return [
        {
            "eligible": all_passed(criteria(ctx)),
            "transitional_fen": p.expr("disaster.transitional_per_person_day_fen")
            * pl.col("n_members")
            * pl.col("transitional_days_paid"),
            "death_consolation_fen": p.expr("disaster.death_consolation_fen")
            * pl.col("disaster_deaths").clip(0),
            "reconstruction_fen": pl.when(pl.col("disaster_home_destroyed"))
            .then(p.expr("disaster.reconstruction_fen"))
            .otherwise(0),
            "winter_spring_fen": p.expr("disaster.winter_spring_per_person_fen")
            * pl.col("disaster_winter_spring_persons").clip(0),
            "rounding_rule": p.select("disaster.rounding", pl.lit),
        },
        {"raw_fen": pl.sum_horizontal(*PARTS).cast(pl.Int64)},
        {"amount_fen": paid_if_eligible(rounded(p, "disaster.rounding", pl.col("raw_fen")))},
    ]


def describe(row: Mapping[str, Any], lang: str) -> str:
    if not row["eligible"]:
        return text(lang, "不符合条件，不发放。", "Not eligible: nothing is paid.")
    return text(
        lang,
        f"过渡期生活救助 {row['n_members']} 人 × {row['transitional_days_paid']} 天 = "
        f"{money(row, 'transitional_fen')} 元；遇难人员抚慰 {row['disaster_deaths']} 人 = "
        f"{money(row, 'death_consolation_fen')} 元；倒房重建 {money(row, 'reconstruction_fen')} 元；"
        f"冬春生活救助 {row['disaster_winter_spring_persons']} 人 = "
        f"{money(row, 'winter_spring_fen')} 元；合计 {money(row, 'amount_fen')} 元",
        f"transitional {row['n_members']} member(s) x {row['transitional_days_paid']} day(s) = "
        f"{money(row, 'transitional_fen')}; death consolation {row['disaster_deaths']} = "
        f"{money(row, 'death_consolation_fen')}; reconstruction "
        f"{money(row, 'reconstruction_fen')}; winter-spring "
        f"{row['disaster_winter_spring_persons']} person(s) = {money(row, 'winter_spring_fen')}; "
        f"total {money(row, 'amount_fen')} yuan",
    )


PROGRAM = Program(
    name="disaster",
    title_zh="自然灾害救助",
    title_en="disaster relief",
    level="household",
    clause="NDRR §14-21",
    parameters=(
        "disaster.transitional_per_person_day_fen",
        "disaster.transitional_max_days",
        "disaster.death_consolation_fen",
        "disaster.reconstruction_fen",
        "disaster.winter_spring_per_person_fen",
        "disaster.rounding",
    ),
    base=base,
    derive=derive,
    criteria=criteria,
    benefit=benefit,
    describe=describe,
    outputs=PARTS,
)
