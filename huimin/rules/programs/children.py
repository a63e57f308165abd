"""Orphans (孤儿) and children without de facto support (事实无人抚养儿童): person level.

An orphan has lost both parents (death, including a declared death). A child without de facto
support has each parent either dead or in the set below, and at least one in the set:
severely disabled, seriously ill, imprisoned, in compulsory drug rehabilitation, otherwise deprived
of liberty, or missing; rehabilitation, detention and loss of contact count once they have lasted
6 months by the last day of the month, the day ages are taken on too (a status with no start
date recorded counts). Both are paid until the age limit; a child
without support at the dispersed-orphan rate. The two are exclusive by construction.
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

UNABLE = (
    "severely_disabled",
    "seriously_ill",
    "imprisoned",
    "drug_rehabilitation",
    "deprived_of_liberty",
    "missing",
)
MUST_LAST = ("drug_rehabilitation", "deprived_of_liberty", "missing")
PARENT_INPUTS = (
    "father_status",
    "mother_status",
    "father_status_since",
    "mother_status_since",
    "in_institution",
)
ORPHAN_CLAUSE = "民发〔2010〕161号"
PARENT_CLAUSE = "民发〔2019〕62号"


def base(ctx: Context) -> pl.LazyFrame:
    return person_base(ctx, PARENT_INPUTS)


def derive(ctx: Context) -> list[Stage]:
    return [{"parents": pl.struct("father_status", "mother_status")}]


def under_age(ctx: Context, clause: str) -> Criterion:
    return Criterion(
        name="under_age",
        clause=clause,
        zh="本人未满18周岁",
        en="the child is under the age limit (18)",
        value=pl.col("age"),
        op="<",
        threshold=ctx.params.expr("children.age_limit"),
        parameters=("children.age_limit",),
        unit="years",
    )


def orphan_criteria(ctx: Context) -> list[Criterion]:
    both_dead = (pl.col("father_status") == "dead") & (pl.col("mother_status") == "dead")
    return [
        alive_criterion(),
        under_age(ctx, ORPHAN_CLAUSE),
        Criterion(
            name="both_parents_dead",
            clause=ORPHAN_CLAUSE,
            zh="父母双方均已死亡（含宣告死亡）",
            en="both parents have died (or been declared dead)",
            value=pl.col("parents"),
            passed=both_dead,
        ),
    ]


def _parent_unable(parent: str, cutoff: pl.Expr) -> pl.Expr:
    status = pl.col(f"{parent}_status")
    since = pl.col(f"{parent}_status_since")
    lasted = ~status.is_in(MUST_LAST) | since.is_null() | (since <= cutoff)
    return status.is_in(UNABLE) & lasted


def unsupported_criteria(ctx: Context) -> list[Criterion]:
    period = ctx.view.period
    cutoff = ctx.params.select(
        "children.absence_min_months",
        # lasted the months by the last day of the month, the day ages are taken on
        lambda months: pl.lit(period.months_before_end(months)),
    )
    father = _parent_unable("father", cutoff)
    mother = _parent_unable("mother", cutoff)
    father_gone = father | (pl.col("father_status") == "dead")
    mother_gone = mother | (pl.col("mother_status") == "dead")
    return [
        alive_criterion(),
        under_age(ctx, PARENT_CLAUSE),
        Criterion(
            name="no_parent_can_support",
            clause=PARENT_CLAUSE,
            zh="父母双方均无法履行抚养义务（重残、重病、服刑在押、强制隔离戒毒、被限制人身自由、"
            "失联满6个月，或一方死亡而另一方属上述情形）",
            en="neither parent can support the child (severely disabled, seriously ill, "
            "imprisoned, in drug rehabilitation, deprived of liberty or missing for 6 months, or "
            "one parent dead and the other in that situation)",
            value=pl.col("parents"),
            passed=father_gone & mother_gone & (father | mother),
            parameters=("children.absence_min_months",),
        ),
    ]


def orphan_benefit(ctx: Context) -> list[Stage]:
    p = ctx.params
    rate = (
        pl.when(pl.col("in_institution"))
        .then(p.expr("children.orphan.institutional_fen"))
        .otherwise(p.expr("children.orphan.dispersed_fen"))
    )
    return _paid(ctx, all_passed(orphan_criteria(ctx)), rate)


def unsupported_benefit(ctx: Context) -> list[Stage]:
    rate = ctx.params.expr("children.orphan.dispersed_fen")
    return _paid(ctx, all_passed(unsupported_criteria(ctx)), rate)


def _paid(ctx: Context, eligible: pl.Expr, rate: pl.Expr) -> list[Stage]:
    p = ctx.params
    return [
        {
            "eligible": eligible,
            "raw_fen": rate.cast(pl.Int64),
            "rounding_rule": p.select("children.rounding", pl.lit),
        },
        {"amount_fen": paid_if_eligible(rounded(p, "children.rounding", pl.col("raw_fen")))},
    ]


def orphan_describe(row: Mapping[str, Any], lang: str) -> str:
    if not row["eligible"]:
        return text(lang, "不符合条件，不发放。", "Not eligible: nothing is paid.")
    where_zh = "机构集中养育" if row["in_institution"] else "社会散居"
    where_en = "in an institution" if row["in_institution"] else "living dispersed"
    return text(
        lang,
        f"孤儿基本生活费（{where_zh}）：{money(row, 'amount_fen')} 元/月",
        f"orphan allowance ({where_en}): {money(row, 'amount_fen')} yuan a month",
    )


def unsupported_describe(row: Mapping[str, Any], lang: str) -> str:
    if not row["eligible"]:
        return text(lang, "不符合条件，不发放。", "Not eligible: nothing is paid.")
    return text(
        lang,
        f"参照散居孤儿标准：{money(row, 'amount_fen')} 元/月",
        f"at the dispersed-orphan rate: {money(row, 'amount_fen')} yuan a month",
    )


ORPHAN = Program(
    name="orphan",
    title_zh="孤儿基本生活保障",
    title_en="orphan allowance",
    level="person",
    clause=ORPHAN_CLAUSE,
    parameters=(
        "children.orphan.institutional_fen",
        "children.orphan.dispersed_fen",
        "children.age_limit",
        "children.rounding",
    ),
    base=base,
    derive=derive,
    criteria=orphan_criteria,
    benefit=orphan_benefit,
    describe=orphan_describe,
)

UNSUPPORTED = Program(
    name="unsupported_child",
    title_zh="事实无人抚养儿童基本生活保障",
    title_en="allowance for a child without de facto support",
    level="person",
    clause=PARENT_CLAUSE,
    parameters=(
        "children.orphan.dispersed_fen",
        "children.age_limit",
        "children.absence_min_months",
        "children.rounding",
    ),
    base=base,
    derive=derive,
    criteria=unsupported_criteria,
    benefit=unsupported_benefit,
    describe=unsupported_describe,
)
