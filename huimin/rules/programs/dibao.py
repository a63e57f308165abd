"""Minimum living allowance (最低生活保障, dibao): household level.

Family (CQ-DB §11): members born by the last day of the month, alive on its first day and counted
in the family (soldiers on duty, prisoners, clergy away over a year are not). Ages are taken on
the last day of the month, the one reference day of this rule.

Income (CQ-DB §12): the counted types of the members' income, each type read over the window
`dibao.income.months` gives it (last month's wages; farm income over the last 12 months / 12),
every record prorated by the days it covers (see `view`); less medical and disability costs
where deductible. Limits are compared on totals, exactly (`exact`): income < standard x members.

Benefit (SAIM §12): standard x members - income, i.e. (standard - per-capita income) x members;
or, where the parameter says so, a share of the standard by income tier. Plus one classified
top-up per member in a category, the highest that applies (not stacked).

Single-person coverage (单人保, CQ-DB §11; MCA 2021 审核确认办法 art. 8) is for a family that is NOT
eligible as a whole but whose per-capita income is within `dibao.single_person.income_ratio` x
the standard: each adult severely disabled or bedridden seriously ill member is covered as a
one-person household, on their own income less the family's deductible costs (the same
deduction the family income gets). A family eligible as a whole is covered as a family, never
split. Near-poor (低保边缘) is a status, not a payment: not on dibao, per-capita income within
1.5 x the standard, assets within limits; whether the rest of a family with a member covered
alone counts as near-poor is `dibao.near_poor.with_single_person_coverage`.
"""

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import polars as pl

from huimin.rules.binding import BoundParameters
from huimin.rules.exact import below, share_times, within, within_parameter
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
from huimin.rules.view import TOPUP_CATEGORIES, combo_counts, count_flags, topup_label

COUNTED = "dibao.income.counted_types"
MONTHS = "dibao.income.months"
# who is in which category: ages on the last day of the month, grades, self-care
PERSON_PARAMETERS = (
    "dibao.age.elderly",
    "dibao.age.adult",
    "dibao.severe_disability.grade_max",
    "dibao.single_person.bedridden_selfcare_unable",
)
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
)


def person_flags(ctx: Context) -> dict[str, Any]:
    """Per person: `single_candidate` (may be covered alone) and `topup_code` (bit sum of the
    top-up categories, TOPUP_CATEGORIES order); per household their counts. Thresholds are
    parameters of the person's region; computed once a month for each set of thresholds."""
    p = ctx.params
    # the same thresholds give the same persons: a reform of the standard reuses the baseline's
    key = ("dibao.persons", *(tuple(p.per_region(name)) for name in PERSON_PARAMETERS))
    return ctx.view.derived(key, lambda: _person_flags(ctx))


def _person_flags(ctx: Context) -> dict[str, Any]:
    p, view = ctx.params, ctx.view
    persons = view.persons
    age = persons["age"].to_numpy()
    grade = persons["grade_or_none"].to_numpy()
    ill = persons["seriously_ill_flag"].to_numpy()
    unable = persons["selfcare_unable"].to_numpy()
    elderly, adult, grade_max, bedridden = (p.person_values(n) for n in PERSON_PARAMETERS)
    severe = grade <= grade_max
    single = view.member & (age >= adult) & (severe | (ill & (unable >= bedridden)))
    codes = (
        (age >= elderly).astype(np.int64)
        + (age < adult) * 2
        + severe.astype(np.int64) * 4
        + ill.astype(np.int64) * 8
    )
    where, size = view.population.person_household, view.population.n_households
    counts = {"n_single_candidates": count_flags(where, single, size)}
    counts |= combo_counts("topup", where, codes, view.member, size)
    counts |= combo_counts("single_topup", where, codes, single, size)
    return {
        "single_candidate": single,
        "topup_code": codes.astype(np.uint8),
        "counts": counts,
        "codes": {
            prefix: tuple(int(k.split(".")[1]) for k in counts if k.startswith(prefix + "."))
            for prefix in ("topup", "single_topup")
        },
    }


def shape(ctx: Context) -> tuple[Any, ...]:
    codes = person_flags(ctx)["codes"]
    return (codes["topup"], codes["single_topup"])


def base(ctx: Context) -> pl.LazyFrame:
    view, p = ctx.view, ctx.params
    reading = p.type_months(COUNTED, MONTHS)
    flags = person_flags(ctx)
    single = flags["single_candidate"]
    return (
        view.households.lazy()
        .select(pl.col(*HOUSEHOLD_INPUTS))
        .with_columns(
            *(pl.Series(name, values) for name, values in flags["counts"].items()),
            pl.Series("income_counted_fen", view.household_income(reading)),
            pl.Series("single_income_fen", view.household_income(reading, persons=single)),
        )
    )


def derive(ctx: Context) -> list[Stage]:
    p = ctx.params

    def net(column: str) -> pl.Expr:
        return p.select(
            "dibao.income.deduct_expenses",
            lambda deduct: (
                (pl.col(column) - pl.col("deductible_expense_fen")).clip(0)
                if deduct
                else pl.col(column)
            ),
        )

    return [
        {
            "standard_fen": dibao_standard(p),
            "disposable_income_fen": disposable_income(p),
            "income_net_fen": net("income_counted_fen"),
            "single_income_net_fen": net("single_income_fen"),
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
            unit="persons",
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
            parameters=(*STANDARD_PARAMETERS, COUNTED, MONTHS, "dibao.income.deduct_expenses"),
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
            passed=within_parameter(
                p,
                "dibao.asset.financial_multiple",
                pl.col("financial_assets_fen"),
                pl.col("disposable_income_fen"),
                members.clip(1),
            ),
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
            unit="properties",
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
            unit="homes",
        ),
    ]


def benefit(ctx: Context) -> list[Stage]:
    p = ctx.params
    members = pl.col("n_members")
    standard = pl.col("standard_fen")
    income = pl.col("income_net_fen")
    family = all_passed(criteria(ctx))
    assets_ok = pl.all_horizontal([pl.col(name) for name in ASSET_CRITERIA])
    single_within = within_parameter(
        p, "dibao.single_person.income_ratio", income, standard, members
    )
    near_poor_within = within_parameter(
        p, "dibao.near_poor.income_ratio", income, standard, members
    )
    # only a family that fails as a whole has members covered alone (MCA 2021 art. 8)
    single_ok = (
        ~pl.col("family_eligible") & assets_ok & (pl.col("n_single_candidates") > 0) & single_within
    )
    rest_near_poor = p.select("dibao.near_poor.with_single_person_coverage", pl.lit)
    topup_each = _topup_each(ctx)
    return [
        {
            "family_eligible": family,
            "formula": p.select("dibao.formula", pl.lit),
            "tier": p.select(
                "dibao.formula", lambda f: _tier(p) if f == "tiered" else pl.lit(None)
            ),
            "rounding_rule": p.select("dibao.rounding", pl.lit),
            **topup_each,
        },
        {
            "single_person_eligible": single_ok,
            "family_base_fen": p.select("dibao.formula", lambda f: _family_base(p, f)),
            "single_base_fen": (
                standard * pl.col("n_single_candidates") - pl.col("single_income_net_fen")
            ).clip(0),
            "topup_fen": _topup_sum(ctx, "topup"),
            "single_topup_fen": _topup_sum(ctx, "single_topup"),
        },
        {
            "coverage": pl.when(pl.col("family_eligible"))
            .then(pl.lit("family"))
            .when(pl.col("single_person_eligible"))
            .then(pl.lit("single_person"))
            .otherwise(pl.lit("none")),
        },
        {
            "eligible": pl.col("coverage") != "none",
            # near-poor means not on dibao; the rest of a family with a member covered alone
            # counts only where the province says so
            "near_poor": ~pl.col("family_eligible")
            & assets_ok
            & (members > 0)
            & near_poor_within
            & ((pl.col("coverage") != "single_person") | rest_near_poor),
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
    return _tier_chain(p, lambda index, pay: pl.lit(index, pl.Int64))


def _family_base(p: BoundParameters, formula: str) -> pl.Expr:
    members = pl.col("n_members")
    standard = pl.col("standard_fen")
    if formula == "difference":
        return standard * members - pl.col("income_net_fen")
    # pay x standard x members, rounded once (not a per-person share multiplied back)
    return _tier_chain(p, lambda index, pay: share_times(pay, standard, members))


def _tier_chain(p: BoundParameters, result: Callable[[int, float], pl.Expr]) -> pl.Expr:
    def build(tiers: list[list[float]]) -> pl.Expr:
        standard = pl.col("standard_fen")
        chain: Any = pl
        for index, (upper, pay) in enumerate(tiers, start=1):
            # exactly: income < upper x standard x members, compared on totals
            under = within(pl.col("income_net_fen"), upper, standard, pl.col("n_members"), below)
            chain = chain.when(under).then(result(index, pay))
        return chain.otherwise(None)

    return p.select("dibao.tiers", build)


def _topup_each(ctx: Context) -> dict[str, pl.Expr]:
    """Per category combination present, the top-up of one member: the highest ratio of the
    categories they are in, times the standard (one top-up per member, not stacked)."""
    p = ctx.params
    found = person_flags(ctx)["codes"]
    codes = set(found["topup"]) | set(found["single_topup"])
    each = {}
    for code in sorted(codes):
        ratios = [
            p.expr(TOPUP_RATIOS[category])
            for bit, category in enumerate(TOPUP_CATEGORIES)
            if code >> bit & 1
        ]
        each[f"topup_each.{code}"] = share_of(pl.max_horizontal(ratios), pl.col("standard_fen"))
    return each


def _topup_sum(ctx: Context, prefix: str) -> pl.Expr:
    terms = [
        pl.col(f"{prefix}.{code}") * pl.col(f"topup_each.{code}")
        for code in person_flags(ctx)["codes"][prefix]
    ]
    return pl.sum_horizontal(terms) if terms else pl.lit(0, pl.Int64)


def describe(row: Mapping[str, Any], lang: str) -> str:
    """How the amount was computed, with the numbers, from one evaluated row."""
    coverage = row["coverage"]
    if coverage == "none":
        return text(lang, "不符合条件，不发放。", "Not eligible: nothing is paid.")
    lines = [_base_line(row, lang)]
    prefix = "topup" if coverage == "family" else "single_topup"
    lines += _topup_lines(row, lang, prefix)
    lines.append(rounding_line(row, lang, row["rounding_rule"]))
    return "\n".join(lines)


def _base_line(row: Mapping[str, Any], lang: str) -> str:
    standard = money(row, "standard_fen")
    if row["coverage"] == "single_person":
        return text(
            lang,
            f"单人保：标准 {standard} 元 × {row['n_single_candidates']} 人 − 本人计算收入 "
            f"{money(row, 'single_income_net_fen')} 元 = {money(row, 'single_base_fen')} 元",
            f"single-person coverage: standard {standard} x {row['n_single_candidates']} "
            f"person(s) - their own counted income {money(row, 'single_income_net_fen')} = "
            f"{money(row, 'single_base_fen')} yuan",
        )
    income = _income_words(row, lang)
    if row["formula"] == "tiered":
        return text(
            lang,
            f"分档发放：{income}，人均 {money(row, 'per_capita_income_fen')} 元，属第 {row['tier']} 档；"
            f"{row['n_members']} 人共 {money(row, 'family_base_fen')} 元（标准 {standard} 元）",
            f"tiered: {income}, {money(row, 'per_capita_income_fen')} per person, tier "
            f"{row['tier']}; {row['n_members']} member(s) get {money(row, 'family_base_fen')} "
            f"yuan (standard {standard})",
        )
    return text(
        lang,
        f"差额发放：标准 {standard} 元 × {row['n_members']} 人 − {income} = "
        f"{money(row, 'family_base_fen')} 元（即（标准 − 人均收入 "
        f"{money(row, 'per_capita_income_fen')} 元）× 人数）",
        f"difference: standard {standard} x {row['n_members']} member(s) - {income} = "
        f"{money(row, 'family_base_fen')} yuan (that is, (standard - income per person "
        f"{money(row, 'per_capita_income_fen')}) x members)",
    )


def _income_words(row: Mapping[str, Any], lang: str) -> str:
    counted, net = money(row, "income_counted_fen"), money(row, "income_net_fen")
    if row["income_counted_fen"] == row["income_net_fen"]:
        return text(lang, f"家庭计算收入 {net} 元", f"counted family income {net}")
    return text(
        lang,
        f"家庭计算收入 {counted} 元扣除医疗和残疾支出后 {net} 元",
        f"counted family income {counted} less medical and disability costs = {net}",
    )


def _topup_lines(row: Mapping[str, Any], lang: str, prefix: str) -> list[str]:
    lines = []
    for key, count in row.items():
        if not key.startswith(prefix + ".") or not count:
            continue
        code = int(key.split(".")[1])
        each = money(row, f"topup_each.{code}")
        lines.append(
            text(
                lang,
                f"分类施保：{count} 人（{topup_label(code, 'zh')}）× {each} 元",
                f"classified top-up: {count} member(s) ({topup_label(code)}) x {each} yuan",
            )
        )
    return lines


PROGRAM = Program(
    name="dibao",
    title_zh="最低生活保障",
    title_en="minimum living allowance (dibao)",
    level="household",
    clause="SAIM §9-12",
    parameters=(
        *STANDARD_PARAMETERS,
        *DISPOSABLE_PARAMETERS,
        COUNTED,
        MONTHS,
        "dibao.income.deduct_expenses",
        *PERSON_PARAMETERS,
        "dibao.asset.financial_multiple",
        "dibao.asset.vehicle_limit_fen",
        "dibao.asset.commercial_property_max",
        "dibao.asset.home_max",
        "dibao.formula",
        "dibao.tiers",
        *TOPUP_RATIOS.values(),
        "dibao.single_person.income_ratio",
        "dibao.near_poor.income_ratio",
        "dibao.near_poor.with_single_person_coverage",
        "dibao.rounding",
    ),
    base=base,
    derive=derive,
    criteria=criteria,
    benefit=benefit,
    describe=describe,
    shape=shape,
    outputs=(
        "coverage",
        "covered_members",
        "near_poor",
        "standard_fen",
        "income_net_fen",
        "n_members",
    ),
)
