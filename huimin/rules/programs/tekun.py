"""Support for the extremely poor (特困人员救助供养, tekun): person level.

Aged 60+, disabled, or a minor (under 16, or under 18 while in school, SH-SA §19), with the three
"no"s of SAIM §14: unable to work, no livelihood (own counted income below the dibao standard and
assets within limits) and no legal supporter able to support them. Support (SAIM §15): basic
living of at least 1.3 x the dibao standard, plus care by self-care ability, centralized in an
institution or dispersed at home (SAIM §19).
"""

from collections.abc import Mapping
from typing import Any

import polars as pl

from huimin.rules.binding import BoundParameters
from huimin.rules.exact import within_parameter
from huimin.rules.program import (
    Context,
    Criterion,
    Program,
    Stage,
    all_passed,
    divide_half_up,
    paid_if_eligible,
    rounded,
    share_of,
)
from huimin.rules.programs.common import (
    DISPOSABLE_PARAMETERS,
    STANDARD_PARAMETERS,
    alive_criterion,
    dibao_standard,
    disposable_income,
    money,
    per_capita,
    person_base,
    rounding_line,
    text,
)

INTELLECTUAL, MENTAL, PHYSICAL = 5, 6, 4
# ages on the last day of the month (the rule's one reference day), grades: parameters
AGE_PARAMETERS = ("tekun.age.elderly", "tekun.age.minor", "tekun.age.student")
COUNTED = "tekun.income.counted_types"
CARE_PARAMETERS = tuple(
    f"tekun.care.{mode}.{level}"
    for mode in ("centralized", "dispersed")
    for level in ("none", "partial", "full")
)
PERSON_INPUTS = (
    "disability_category",
    "disability_grade",
    "selfcare_unable_count",
    "student",
    "legal_supporter_able",
    "in_institution",
)


def base(ctx: Context) -> pl.LazyFrame:
    own_income = ctx.view.person_income(ctx.params.type_months(COUNTED))
    return person_base(
        ctx, PERSON_INPUTS, ("residence_type", "financial_assets_fen", "n_members")
    ).with_columns(pl.Series("own_income_fen", own_income))


def derive(ctx: Context) -> list[Stage]:
    p = ctx.params
    unable = pl.col("selfcare_unable_count").fill_null(0)
    return [
        {
            "standard_fen": dibao_standard(p),
            "disposable_income_fen": disposable_income(p),
            "per_capita_assets_fen": per_capita("financial_assets_fen"),
            "selfcare_level": pl.when(unable >= 4)
            .then(pl.lit("none"))
            .when(unable >= 1)
            .then(pl.lit("partial"))
            .otherwise(pl.lit("full")),
            "support_mode": pl.when(pl.col("in_institution"))
            .then(pl.lit("centralized"))
            .otherwise(pl.lit("dispersed")),
        },
        {
            "asset_limit_per_capita_fen": share_of(
                p.expr("dibao.asset.financial_multiple"), pl.col("disposable_income_fen")
            )
        },
    ]


def _minor(p: BoundParameters) -> pl.Expr:
    age = pl.col("age")
    return (age < p.expr("tekun.age.minor")) | (
        pl.col("student").fill_null(False) & (age < p.expr("tekun.age.student"))
    )


def criteria(ctx: Context) -> list[Criterion]:
    p = ctx.params
    age = pl.col("age")
    category = pl.col("disability_category")
    grade = pl.col("disability_grade")
    # the facts themselves, not a sentence: the page and the letters word them per language
    situation = pl.struct(
        age.alias("age"),
        category.alias("disability_category"),
        grade.alias("disability_grade"),
    )
    mental_limit = p.expr("tekun.mental_grade_max")
    elderly = age >= p.expr("tekun.age.elderly")
    unable = (
        elderly
        | _minor(p)
        | (category.is_in([INTELLECTUAL, MENTAL]) & (grade <= mental_limit))
        | ((category == PHYSICAL) & (grade <= p.expr("tekun.physical_grade_max")))
    )
    return [
        alive_criterion(),
        Criterion(
            name="in_category",
            clause="SAIM §14",
            zh="本人是老年人（60周岁以上）、残疾人或未成年人（16周岁以下，在校的18周岁以下）",
            en="the person is 60 or older, disabled, or a minor (under 16, or under 18 in school)",
            value=situation,
            passed=elderly | _minor(p) | grade.is_not_null(),
            parameters=AGE_PARAMETERS,
        ),
        Criterion(
            name="unable_to_work",
            clause="SAIM §14",
            zh="本人无劳动能力（60周岁以上、未成年，或智力/精神残疾达到规定等级、肢体一级残疾）",
            en="the person cannot work (60 or older, a minor, an intellectual or mental "
            "disability of the set grade, or a grade 1 physical disability)",
            value=situation,
            passed=unable,
            parameters=(*AGE_PARAMETERS, "tekun.mental_grade_max", "tekun.physical_grade_max"),
        ),
        Criterion(
            name="no_livelihood",
            clause="SAIM §14",
            zh="本人收入低于当地低保标准（基本养老金等不计入）",
            en="the person's own income is below the local dibao standard (basic pension "
            "and the like not counted)",
            value=pl.col("own_income_fen"),
            op="<",
            threshold=pl.col("standard_fen"),
            parameters=(*STANDARD_PARAMETERS, COUNTED),
            unit="fen",
        ),
        Criterion(
            name="assets_within_limit",
            clause="SAIM §14",
            zh="家庭人均金融资产不超过规定限额",
            en="the household's financial assets per person are within the limit",
            value=pl.col("per_capita_assets_fen"),
            op="<=",
            threshold=pl.col("asset_limit_per_capita_fen"),
            # exactly, on totals (exact.py): not a per-capita limit rounded and multiplied back
            passed=within_parameter(
                p,
                "dibao.asset.financial_multiple",
                pl.col("financial_assets_fen"),
                pl.col("disposable_income_fen"),
                pl.col("n_members").clip(1),
            ),
            parameters=("dibao.asset.financial_multiple", *DISPOSABLE_PARAMETERS),
            unit="fen",
        ),
        Criterion(
            name="no_able_supporter",
            clause="SAIM §14",
            zh="本人无法定赡养、抚养、扶养义务人，或者其义务人无履行能力",
            en="the person has no legal supporter, or none able to support them",
            value=pl.col("legal_supporter_able").fill_null(False),
            op="==",
            threshold=pl.lit(False),
        ),
    ]


def benefit(ctx: Context) -> list[Stage]:
    p = ctx.params
    care = pl.lit(None, pl.Int64)
    for name in CARE_PARAMETERS:
        _, _, mode, level = name.split(".")
        chosen = (pl.col("support_mode") == mode) & (pl.col("selfcare_level") == level)
        care = pl.when(chosen).then(p.expr(name)).otherwise(care)
    return [
        {
            "eligible": all_passed(criteria(ctx)),
            "basic_living_fen": share_of(
                p.expr("tekun.basic_living_ratio"), pl.col("standard_fen")
            ),
            "care_year_fen": care.cast(pl.Int64),
            "rounding_rule": p.select("tekun.rounding", pl.lit),
        },
        {"care_fen": divide_half_up(pl.col("care_year_fen"), 12)},
        {"raw_fen": pl.col("basic_living_fen") + pl.col("care_fen")},
        {"amount_fen": paid_if_eligible(rounded(p, "tekun.rounding", pl.col("raw_fen")))},
    ]


def describe(row: Mapping[str, Any], lang: str) -> str:
    if not row["eligible"]:
        return text(lang, "不符合条件，不发放。", "Not eligible: nothing is paid.")
    mode_zh = {"centralized": "集中供养", "dispersed": "分散供养"}[row["support_mode"]]
    level_zh = {"none": "完全不能自理", "partial": "部分自理", "full": "全自理"}[
        row["selfcare_level"]
    ]
    return "\n".join(
        [
            text(
                lang,
                f"基本生活费：低保标准 {money(row, 'standard_fen')} 元 × 倍数 = "
                f"{money(row, 'basic_living_fen')} 元",
                f"basic living: dibao standard {money(row, 'standard_fen')} x the set multiple = "
                f"{money(row, 'basic_living_fen')} yuan",
            ),
            text(
                lang,
                f"照料护理费（{mode_zh}，{level_zh}）：每年 {money(row, 'care_year_fen')} 元 ÷ 12 = "
                f"{money(row, 'care_fen')} 元",
                f"care ({row['support_mode']}, {row['selfcare_level']} self-care): "
                f"{money(row, 'care_year_fen')} a year / 12 = {money(row, 'care_fen')} yuan",
            ),
            rounding_line(row, lang, row["rounding_rule"]),
        ]
    )


PROGRAM = Program(
    name="tekun",
    title_zh="特困人员救助供养",
    title_en="support for the extremely poor (tekun)",
    level="person",
    clause="SAIM §14-19",
    parameters=(
        *STANDARD_PARAMETERS,
        *DISPOSABLE_PARAMETERS,
        COUNTED,
        "tekun.basic_living_ratio",
        "tekun.mental_grade_max",
        *AGE_PARAMETERS,
        "tekun.physical_grade_max",
        "dibao.asset.financial_multiple",
        *CARE_PARAMETERS,
        "tekun.rounding",
    ),
    base=base,
    derive=derive,
    criteria=criteria,
    benefit=benefit,
    describe=describe,
    outputs=("support_mode", "selfcare_level"),
)
