"""Every metric against figures computed by hand on populations of a few households."""

import numpy as np
import polars as pl
import pytest

from huimin.simulation import metrics


def outcomes(rows: list[dict]) -> pl.DataFrame:
    """Households: income, members, base, reform (fen), weight, region, type."""
    frame = pl.DataFrame(
        {
            "weight": [float(r.get("weight", 1)) for r in rows],
            "members": [r.get("members", 1) for r in rows],
            "income_fen": [r["income"] for r in rows],
            "region_code": [r.get("region", "532901001001") for r in rows],
            "household_type": [r.get("type", "one_person") for r in rows],
            "base_fen": [r.get("base", 0) for r in rows],
            "reform_fen": [r.get("reform", 0) for r in rows],
        }
    )
    return frame.with_columns(
        pl.col("base_fen").alias("base_dibao"), pl.col("reform_fen").alias("reform_dibao")
    )


def test_it_computes_fgt_by_hand() -> None:
    # line 100; incomes 0, 50, 100, 200: poor are 0 and 50 (100 is not below the line)
    y, w = np.array([0, 50, 100, 200]), np.ones(4)
    assert metrics.fgt(y, w, 100, 0) == pytest.approx(2 / 4)
    assert metrics.fgt(y, w, 100, 1) == pytest.approx((1 + 0.5) / 4)
    assert metrics.fgt(y, w, 100, 2) == pytest.approx((1 + 0.25) / 4)


def test_it_weights_fgt_by_persons() -> None:
    # income 50 stands for 3 persons, 200 for 1: headcount 3/4, gap 3 x 0.5 / 4
    y, w = np.array([50, 200]), np.array([3.0, 1.0])
    assert metrics.fgt(y, w, 100, 0) == pytest.approx(0.75)
    assert metrics.fgt(y, w, 100, 1) == pytest.approx(0.375)


def test_it_computes_gini_by_hand() -> None:
    # 0, 0, 0, 4: mean 1, sum |yi - yj| over ordered pairs = 2 x 3 x 4 = 24; 24 / (2 x 16 x 1)
    assert metrics.gini(np.array([0, 0, 0, 4]), np.ones(4)) == pytest.approx(0.75)
    # 1, 2, 3: pairs 1, 2, 1 -> 2 x 4 = 8; 8 / (2 x 9 x 2) = 2/9
    assert metrics.gini(np.array([3, 1, 2]), np.ones(3)) == pytest.approx(2 / 9)
    # equal incomes, ties: 0
    assert metrics.gini(np.array([5, 5, 5]), np.ones(3)) == pytest.approx(0.0)


def test_it_weights_gini_like_repeated_persons() -> None:
    weighted = metrics.gini(np.array([1, 3]), np.array([2.0, 1.0]))
    repeated = metrics.gini(np.array([1, 1, 3]), np.ones(3))
    # 1, 1, 3: mean 5/3; pairs |1-3| twice -> 2 x 2 x 2 = 8; 8 / (2 x 9 x 5/3) = 4/15
    assert repeated == pytest.approx(4 / 15)
    assert weighted == pytest.approx(repeated)


def test_it_has_no_gini_when_every_income_is_zero() -> None:
    assert metrics.gini(np.zeros(3), np.ones(3)) is None


def test_it_gives_lorenz_points_by_hand() -> None:
    # 0, 0, 0, 4 -> at 1/4 steps: 0, 0, 0, 0, 1; at tenths, linear in the last quarter
    points = metrics.lorenz_points(np.array([4, 0, 0, 0]), np.ones(4), points=4)
    assert points == [[0.0, 0.0], [0.25, 0.0], [0.5, 0.0], [0.75, 0.0], [1.0, 1.0]]


def test_it_puts_ties_in_one_decile() -> None:
    # ten persons: four with 0, then 1..6. Zeros all in decile 1; next is 40% below -> decile 5
    y = np.array([0, 0, 0, 0, 1, 2, 3, 4, 5, 6])
    assert metrics.decile_of(y, np.ones(10)).tolist() == [1, 1, 1, 1, 5, 6, 7, 8, 9, 10]


def test_it_weights_deciles_by_persons() -> None:
    # 50 persons at 10, 50 at 20: the richer half starts at 50% -> decile 6
    assert metrics.decile_of(np.array([20, 10]), np.array([50.0, 50.0])).tolist() == [6, 1]


def test_it_computes_costs_by_group_by_hand() -> None:
    frame = outcomes(
        [
            {"income": 0, "base": 100, "reform": 150, "region": "532901001001", "weight": 2},
            {"income": 0, "base": 0, "reform": 30, "region": "532922100201", "type": "other"},
        ]
    )
    cost = metrics.cost(frame, ["dibao"])
    assert cost["monthly"] == {"baseline_fen": 200, "reform_fen": 330, "change_fen": 130}
    assert cost["yearly"] == {"baseline_fen": 2400, "reform_fen": 3960, "change_fen": 1560}
    assert cost["by_program"] == [
        {"program": "dibao", "baseline_fen": 200, "reform_fen": 330, "change_fen": 130}
    ]
    regions = {row["region"]: row for row in cost["by_region"]}
    assert regions["532901"]["reform_fen"] == 300
    assert regions["532922"]["change_fen"] == 30
    assert {row["household_type"] for row in cost["by_household_type"]} == {"one_person", "other"}


def test_it_counts_winners_and_losers_by_decile() -> None:
    rows = [{"income": i * 10, "base": 50, "reform": 50} for i in range(10)]
    rows[0]["reform"] = 80  # decile 1 wins 30
    rows[9]["reform"] = 0  # decile 10 loses 50
    people = metrics.with_distribution(outcomes(rows))
    table = {row["decile"]: row for row in metrics.winners_losers(people, "decile")}
    assert table[1]["winners"] == 1 and table[1]["mean_change_fen"] == 30
    assert table[10]["losers"] == 1 and table[10]["mean_change_fen"] == -50
    assert table[5]["unchanged"] == 1


def test_it_computes_poverty_after_assistance() -> None:
    # two one-person households, line 100: incomes 0 and 60; reform pays the first 100
    people = metrics.with_distribution(
        outcomes([{"income": 0, "reform": 100}, {"income": 60, "base": 20, "reform": 20}])
    )
    figures = metrics.poverty(people, 100)
    assert figures["pre_transfer"]["fgt0"] == 1.0
    assert figures["baseline"]["fgt1"] == pytest.approx((1 + 0.2) / 2)
    assert figures["reform"]["fgt0"] == 0.5  # 100 is not below; 80 is


def test_it_computes_per_capita_income_over_members() -> None:
    # a household of 4 with 200: per capita 50, below a line of 100; four persons count
    people = metrics.with_distribution(
        outcomes([{"income": 200, "members": 4}, {"income": 300, "members": 1}])
    )
    assert metrics.poverty(people, 100)["pre_transfer"]["fgt0"] == pytest.approx(0.8)


def test_it_measures_targeting_by_hand() -> None:
    # ten one-person households, incomes 0..90, line 25 -> needy: 0, 10, 20
    rows = [{"income": i * 10, "reform": 0} for i in range(10)]
    rows[0]["reform"] = 100  # needy and reached, decile 1
    rows[5]["reform"] = 100  # not needy: inclusion error
    people = metrics.with_distribution(outcomes(rows))
    figures = metrics.targeting(people, 25, "poverty_line")["reform"]
    assert figures["inclusion_error"] == 0.5
    assert figures["exclusion_error"] == pytest.approx(2 / 3, abs=1e-8)
    assert figures["coverage_poorest_decile"] == 1.0
    assert figures["coverage_poorest_quintile"] == 0.5
    assert figures["spending_share_poorest_20"] == 0.5
    quintile = metrics.targeting(people, 25, "poorest_quintile")["reform"]
    assert quintile["exclusion_error"] == 0.5  # deciles 1-2: one of two reached


def test_it_leaves_households_without_members_out_of_the_distribution() -> None:
    people = metrics.with_distribution(
        outcomes([{"income": 0, "members": 0, "base": 10}, {"income": 50}])
    )
    assert people.height == 1


def test_it_gives_bootstrap_intervals_around_the_figure() -> None:
    rows = [{"income": i * 10, "base": i, "reform": 2 * i, "weight": 3} for i in range(40)]
    people = metrics.with_distribution(outcomes(rows))
    intervals = metrics.bootstrap(people, resamples=200, line=100)
    total = sum(3 * 2 * i for i in range(40))
    low, high = intervals["reform_fen"]
    assert low < total < high
    assert 0 <= intervals["fgt0_reform"][0] <= intervals["fgt0_reform"][1] <= 1


def test_it_suppresses_small_cells_outside_the_readers_jurisdiction() -> None:
    frame = outcomes(
        [{"income": 0, "base": 5, "region": "532901001001"} for _ in range(3)]
        + [{"income": 0, "base": 7, "region": "532922100201"}]
    )
    figures = metrics.all_metrics(frame, programs=["dibao"], line=100, need="poverty_line")
    # the reader sees Dali city in full: Yangbi's single household is blanked
    shown = metrics.suppress_small_cells(
        figures,
        min_cell=2,
        region_visible=lambda code: code is not None and code.startswith("532901"),
    )
    regions = {row["region"]: row for row in shown["cost"]["by_region"]}
    assert regions["532901"]["baseline_fen"] == 15
    assert regions["532922"]["baseline_fen"] is None and regions["532922"]["suppressed"]
    # published for everyone: every table row under 2 households is blanked
    published = metrics.suppress_small_cells(figures, min_cell=4)
    assert all(row.get("suppressed") for row in published["cost"]["by_region"])
    assert figures["cost"]["by_region"][1]["baseline_fen"] == 7  # the original is untouched
