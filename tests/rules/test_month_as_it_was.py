"""Each month is evaluated as it was: members, incomes, limits, coverage and thresholds."""

from typing import Any

import pytest

from huimin.rules import evaluate, explain, frames_from_records, load_parameters

CITY = {"region_code": "532901001001", "residence_type": "urban"}  # standard 85000 in 2026
HEQING = {"region_code": "532932100001", "residence_type": "urban"}  # tiered, standard 78000


def _override(name: str, value: Any, region: str = "", start: str = "2016-01-01") -> dict[str, Any]:
    return {"name": name, "start": start, "region": region, "value": value, "source": "test"}


def _dibao(household: dict, period: str = "2026-03", overrides=()) -> dict[str, Any]:
    parameters = load_parameters(list(overrides))
    rows = evaluate(frames_from_records([household]), period, parameters, ["dibao"], details=True)
    row = rows["dibao"].row(0, named=True)
    entry = explain(household, period, parameters).for_program("dibao")
    assert (entry.eligible, entry.amount_fen) == (row["eligible"], row["amount_fen"])
    return row


# A household over three months: a child born on 10 February, the grandmother dies on 1 March,
# the head changes job on 21 January (100000 -> 150000), the grandmother's pension (30000).
CHANGING = {
    **CITY,
    "members": [
        {
            "birth_date": "1980-01-01",
            "incomes": [
                {"income_type": "wages", "monthly_fen": 100000, "valid_to": "2026-01-20"},
                {"income_type": "wages", "monthly_fen": 150000, "valid_from": "2026-01-21"},
            ],
        },
        {"birth_date": "1982-01-01"},
        {"birth_date": "2026-02-10"},
        {
            "birth_date": "1940-01-01",
            "death_date": "2026-03-01",
            "incomes": [{"income_type": "pension_other", "monthly_fen": 30000}],
        },
    ],
}


@pytest.mark.parametrize(
    ("period", "members", "income"),
    [
        ("2026-01", 3, 130000),  # December: the first wage and the pension
        # January's wages prorated (64516 + 53226) and the pension; the child is born
        ("2026-02", 4, 147742),
        ("2026-03", 3, 150000),  # February's new wage; the grandmother died on the 1st
    ],
)
def test_it_follows_a_household_over_three_months(period: str, members: int, income: int):
    row = _dibao(CHANGING, period)
    assert (row["n_members"], row["income_net_fen"]) == (members, income)


def test_a_child_born_after_the_month_gets_no_minors_top_up():
    household = {**CITY, "members": [{"birth_date": "1990-01-01"}, {"birth_date": "2026-04-02"}]}
    row = _dibao(household)
    assert (row["n_members"], row["topup_fen"], row["amount_fen"]) == (1, 0, 85000)


def test_a_job_change_within_the_month_counts_each_wage_for_its_days():
    household = {
        **CITY,
        "members": [
            {
                "birth_date": "1980-01-01",
                "incomes": [
                    {"income_type": "wages", "monthly_fen": 60000, "valid_to": "2026-02-14"},
                    {"income_type": "wages", "monthly_fen": 90000, "valid_from": "2026-02-15"},
                ],
            }
        ],
    }
    # February has 28 days: 60000 x 14/28 + 90000 x 14/28 = 75000, not 150000
    assert _dibao(household)["income_net_fen"] == 75000


def test_the_income_reading_is_a_parameter():
    household = {
        **CITY,
        "members": [
            {
                "birth_date": "1980-01-01",
                "incomes": [
                    {"income_type": "wages", "monthly_fen": 62000, "valid_from": "2026-03-01"}
                ],
            }
        ],
    }
    assert _dibao(household)["income_net_fen"] == 0  # last month's wage: none yet
    this_month = _override("dibao.income.months", {"wages": 0})
    assert _dibao(household, overrides=[this_month])["income_net_fen"] == 62000


# Single-person coverage and near-poor


def _family_with_disabled_son(wages: int, deductible: int = 0) -> dict[str, Any]:
    return {
        **CITY,
        "deductible_expense_fen": deductible,
        "members": [
            {
                "birth_date": "1976-01-01",
                "incomes": [{"income_type": "wages", "monthly_fen": wages}],
            },
            {"birth_date": "2001-01-01", "disability_category": 4, "disability_grade": 1},
        ],
    }


def test_an_eligible_family_is_never_split_for_single_person_coverage():
    # family: 170000 - 100000 + 25500 = 95500; the son alone would get 85000 + 25500 = 110500
    row = _dibao(_family_with_disabled_son(100000))
    assert (row["coverage"], row["covered_members"], row["amount_fen"]) == ("family", 2, 95500)


def test_a_family_with_a_member_covered_alone_is_not_near_poor_unless_the_province_says_so():
    household = _family_with_disabled_son(200000)  # fails: 200000 >= 170000; <= 255000
    row = _dibao(household)
    assert (row["coverage"], row["near_poor"]) == ("single_person", False)
    included = _override("dibao.near_poor.with_single_person_coverage", True)
    assert _dibao(household, overrides=[included])["near_poor"] is True


def test_single_person_income_is_net_of_the_deductible_costs_like_the_family_income():
    household = _family_with_disabled_son(200000, deductible=10000)
    household["members"][1]["incomes"] = [{"income_type": "pension_other", "monthly_fen": 30000}]
    row = _dibao(household)
    # family 230000 - 10000 = 220000 >= 170000: the son alone, on 30000 - 10000 = 20000
    assert row["coverage"] == "single_person"
    assert row["single_base_fen"] == 85000 - 20000


# Limits compared on exact totals


def test_the_near_poor_line_is_compared_on_exact_totals():
    # standard 85001: 1.5 x 85001 x 2 = 255003 exactly; a per-capita limit rounded to 127502
    # and multiplied back (255004) would let 255004 pass
    standard = _override("dibao.standard.urban", 85001, "532901", "2026-01-01")
    on_line = _family_with_two_adults(255003)
    above = _family_with_two_adults(255004)
    assert _dibao(on_line, overrides=[standard])["near_poor"] is True
    assert _dibao(above, overrides=[standard])["near_poor"] is False


def test_a_tier_boundary_is_compared_on_exact_totals():
    # Heqing pays by tiers; standard 78001: the first tier ends at 0.25 x 78001 x 2 = 39000.5,
    # so 39000 is in tier 1 (a per-capita limit rounded to 19500 x 2 = 39000 would say tier 2)
    standard = _override("dibao.standard.urban", 78001, "532932", "2026-01-01")
    household = {**_family_with_two_adults(39000), **HEQING}
    row = _dibao(household, overrides=[standard])
    assert row["tier"] == 1
    assert row["family_base_fen"] == 78001 * 2


def _family_with_two_adults(wages: int) -> dict[str, Any]:
    return {
        **CITY,
        "members": [
            {
                "birth_date": "1976-01-01",
                "incomes": [{"income_type": "wages", "monthly_fen": wages}],
            },
            {"birth_date": "1978-01-01"},
        ],
    }


# Thresholds are parameters


def test_the_ages_grades_and_bedridden_threshold_of_dibao_are_parameters():
    household = {
        **CITY,
        "members": [
            {"birth_date": "1963-01-01"},  # 63
            {"birth_date": "2009-01-01"},  # 17
            {"birth_date": "1990-01-01", "disability_category": 4, "disability_grade": 3},
        ],
    }
    assert _dibao(household)["topup_fen"] == 17000 * 2  # elderly and minor; grade 3 is not severe
    changed = [
        _override("dibao.age.elderly", 65),
        _override("dibao.age.adult", 16),
        _override("dibao.severe_disability.grade_max", 3),
    ]
    assert _dibao(household, overrides=changed)["topup_fen"] == 25500  # only the grade 3


def test_the_bedridden_threshold_for_single_person_coverage_is_a_parameter():
    household = _family_with_two_adults(200000)
    household["members"][1].update(serious_illness=True, selfcare_unable_count=3)
    assert _dibao(household)["coverage"] == "none"  # 3 activities: not bedridden
    lower = _override("dibao.single_person.bedridden_selfcare_unable", 3)
    assert _dibao(household, overrides=[lower])["coverage"] == "single_person"


def test_the_tekun_ages_are_parameters():
    household = {**CITY, "members": [{"birth_date": "2010-06-01", "legal_supporter_able": False}]}
    parameters = load_parameters([_override("tekun.age.minor", 15)])
    assert explain(household, "2026-03").for_program("tekun", 101).eligible
    assert not explain(household, "2026-03", parameters).for_program("tekun", 101).eligible


def test_the_asset_limit_is_compared_on_exact_totals():
    # 1.5 x 4500001 x 2 = 13500003 exactly; a per-capita limit rounded to 6750002 and multiplied
    # back (13500004) would let 13500004 pass
    changed = [
        _override("common.disposable_income.urban", 4500001, "53", "2026-01-01"),
        _override("dibao.asset.financial_multiple", 1.5, "53", "2026-01-01"),
    ]
    parameters = load_parameters(changed)
    for assets, within in ((13500003, True), (13500004, False)):
        household = {
            **CITY,
            "financial_assets_fen": assets,
            "members": [
                {"birth_date": "1950-01-01", "legal_supporter_able": False},
                {"birth_date": "1952-01-01", "legal_supporter_able": False},
            ],
        }
        explanation = explain(household, "2026-03", parameters)
        assert explanation.for_program("dibao").eligible is within
        assert explanation.for_program("tekun", 101).eligible is within
