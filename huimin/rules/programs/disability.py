"""The two disability subsidies of GF-2015-52: person level; a person may hold both.

Living subsidy (困难残疾人生活补贴): disabled people in dibao families (optionally near-poor ones
too): a family that holds a dibao entitlement (`on_dibao`, fed by casework) or that the dibao
rule covers this month. A family covered by single-person dibao is a dibao family only for the
covered person.
Care subsidy (重度残疾人护理补贴): grade 1-2, optionally grade 3-4 intellectual or mental.
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
from huimin.rules.programs.common import (
    alive_criterion,
    money,
    person_base,
    result_for_persons,
    text,
)
from huimin.rules.programs.dibao import PERSON_PARAMETERS, person_flags

INTELLECTUAL, MENTAL = 5, 6
DISABILITY = ("disability_category", "disability_grade")


def _grade() -> pl.Expr:
    return pl.col("disability_grade").cast(pl.Int64)


def disabled_criterion() -> Criterion:
    return Criterion(
        name="disabled",
        clause="GF-2015-52",
        zh="本人持有残疾人证（一至四级）",
        en="the person has a certified disability (grade 1 to 4)",
        value=_grade(),
        op="<=",
        threshold=pl.lit(4, pl.Int64),
        unit="grade",
    )


def living_base(ctx: Context) -> pl.LazyFrame:
    dibao = result_for_persons(ctx, "dibao", ("coverage", "near_poor"))
    single = person_flags(ctx)["single_candidate"]
    # a family that holds a dibao entitlement is a dibao family, whatever the rules would
    # compute on this month's registry (its income may have risen since: a review decides)
    on_dibao = pl.lit(ctx.view.households["on_dibao"]).gather(pl.col("household_idx"))
    return (
        person_base(ctx, DISABILITY)
        .with_columns(pl.Series("single_candidate", single), on_dibao.alias("on_dibao"))
        .with_columns(*dibao)
    )


def living_derive(ctx: Context) -> list[Stage]:
    return []


def living_criteria(ctx: Context) -> list[Criterion]:
    p = ctx.params
    held = pl.col("on_dibao")
    coverage = pl.when(held).then(pl.lit("family")).otherwise(pl.col("dibao.coverage"))
    in_dibao = pl.col("member") & (
        (coverage == "family") | ((coverage == "single_person") & pl.col("single_candidate"))
    )
    near_poor = p.select(
        "disability.living.include_near_poor",
        lambda include: pl.col("member") & pl.col("dibao.near_poor") if include else pl.lit(False),
    )
    return [
        alive_criterion(),
        disabled_criterion(),
        Criterion(
            name="in_dibao_family",
            clause="GF-2015-52",
            zh="本人是低保家庭成员（或按规定纳入的低收入家庭成员）",
            en="the person is covered by dibao in their family (or a low-income family "
            "where that is extended)",
            value=coverage,
            passed=in_dibao | near_poor,
            parameters=("disability.living.include_near_poor",),
        ),
    ]


def living_benefit(ctx: Context) -> list[Stage]:
    p = ctx.params
    severe = _grade() <= p.expr("disability.severe_grade_max")
    rate = (
        pl.when(severe)
        .then(p.expr("disability.living.severe_fen"))
        .otherwise(p.expr("disability.living.moderate_fen"))
    )
    return [
        {
            "eligible": all_passed(living_criteria(ctx)),
            "raw_fen": rate.cast(pl.Int64),
            "severe_band": severe,
            "severe_grade_max": p.expr("disability.severe_grade_max"),
            "rounding_rule": p.select("disability.rounding", pl.lit),
        },
        {"amount_fen": paid_if_eligible(rounded(p, "disability.rounding", pl.col("raw_fen")))},
    ]


def living_describe(row: Mapping[str, Any], lang: str) -> str:
    if not row["eligible"]:
        return text(lang, "不符合条件，不发放。", "Not eligible: nothing is paid.")
    top = row["severe_grade_max"]
    band = f"1-{top}" if row["severe_band"] else f"{top + 1}-4"
    return text(
        lang,
        f"{band} 级残疾人生活补贴标准：{money(row, 'amount_fen')} 元/月",
        f"living subsidy for grade {band}: {money(row, 'amount_fen')} yuan a month",
    )


def care_base(ctx: Context) -> pl.LazyFrame:
    return person_base(ctx, DISABILITY)


def care_criteria(ctx: Context) -> list[Criterion]:
    p = ctx.params
    grade = _grade()
    mental = pl.col("disability_category").is_in([INTELLECTUAL, MENTAL])
    grade_max = p.expr("disability.severe_grade_max")
    extended = p.select(
        "disability.care.include_grade34_mental",
        lambda include: ((grade > grade_max) & (grade <= 4) & mental) if include else pl.lit(False),
    )
    return [
        alive_criterion(),
        Criterion(
            name="severely_disabled",
            clause="GF-2015-52",
            zh="本人为一、二级残疾人（或按规定纳入的三、四级智力、精神残疾人）",
            en="the person has a grade 1-2 disability (or a grade 3-4 intellectual or mental "
            "disability where that is extended)",
            value=grade,
            op="<=",
            threshold=grade_max,
            passed=(grade <= grade_max) | extended,
            parameters=("disability.care.include_grade34_mental", "disability.severe_grade_max"),
            unit="grade",
        ),
    ]


def care_benefit(ctx: Context) -> list[Stage]:
    p = ctx.params
    return [
        {
            "eligible": all_passed(care_criteria(ctx)),
            "raw_fen": p.expr("disability.care.fen"),
            "rounding_rule": p.select("disability.rounding", pl.lit),
        },
        {"amount_fen": paid_if_eligible(rounded(p, "disability.rounding", pl.col("raw_fen")))},
    ]


def care_describe(row: Mapping[str, Any], lang: str) -> str:
    if not row["eligible"]:
        return text(lang, "不符合条件，不发放。", "Not eligible: nothing is paid.")
    return text(
        lang,
        f"重度残疾人护理补贴标准：{money(row, 'amount_fen')} 元/月",
        f"care subsidy: {money(row, 'amount_fen')} yuan a month",
    )


LIVING = Program(
    name="disability_living",
    title_zh="困难残疾人生活补贴",
    title_en="living subsidy for disabled people in difficulty",
    level="person",
    clause="GF-2015-52",
    parameters=(
        "disability.living.severe_fen",
        "disability.living.moderate_fen",
        "disability.living.include_near_poor",
        "disability.severe_grade_max",
        *PERSON_PARAMETERS,
        "disability.rounding",
    ),
    base=living_base,
    derive=living_derive,
    criteria=living_criteria,
    benefit=living_benefit,
    describe=living_describe,
    depends_on=("dibao",),
)

CARE = Program(
    name="disability_care",
    title_zh="重度残疾人护理补贴",
    title_en="care subsidy for severely disabled people",
    level="person",
    clause="GF-2015-52",
    parameters=(
        "disability.care.fen",
        "disability.care.include_grade34_mental",
        "disability.severe_grade_max",
        "disability.rounding",
    ),
    base=care_base,
    derive=living_derive,
    criteria=care_criteria,
    benefit=care_benefit,
    describe=care_describe,
)
