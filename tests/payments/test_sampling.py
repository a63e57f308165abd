"""Post-payment verification: sample sizes, their split over villages, the draw, the interval."""

import pytest

from huimin.core.errors import ValidationFailed
from huimin.payments.sampling import (
    sample_allocate,
    sample_draw,
    sample_size,
    sample_size_share,
    wilson_interval,
    z_score,
)


def test_it_computes_the_size_for_95_percent_and_3_points_with_the_population_correction():
    # z = 1.959964, z² = 3.841459; n0 = 3.841459 × 0.5 × 0.5 / 0.03² = 1067.0719
    # N = 5534: n = 1067.0719 / (1 + 1066.0719 / 5534) = 1067.0719 / 1.192640 = 894.71 -> 895
    assert sample_size(5534) == 895
    # N = 100: n = 1067.0719 / (1 + 1066.0719 / 100) = 1067.0719 / 11.660719 = 91.51 -> 92
    assert sample_size(100) == 92
    # N = 1,000,000: n = 1067.0719 / 1.001066 = 1065.94 -> 1066 (the correction barely matters)
    assert sample_size(1_000_000) == 1066


def test_it_computes_the_size_for_another_confidence_margin_and_share():
    # 99%: z = 2.575829, z² = 6.634897; 5 points: n0 = 6.634897 × 0.25 / 0.0025 = 663.4897
    # N = 5534: n = 663.4897 / (1 + 662.4897 / 5534) = 663.4897 / 1.119713 = 592.56 -> 593
    assert sample_size(5534, confidence=0.99, margin=0.05) == 593
    # p = 0.1: n0 = 3.841459 × 0.09 / 0.0009 = 384.1459; N = 5534: 384.1459 / 1.069241 = 359.27 -> 360
    assert sample_size(5534, p=0.1) == 360
    assert z_score(0.95) == pytest.approx(1.959964, abs=1e-6)


def test_it_never_asks_for_more_than_there_are():
    assert sample_size(0) == 0
    assert sample_size(1) == 1
    assert sample_size(10) == 10  # n = 1067.07 / 107.6 = 9.92 -> 10


def test_it_takes_a_fixed_share_rounded_up():
    assert sample_size_share(5534, 0.05) == 277  # 276.7
    assert sample_size_share(100, 0.05) == 5
    assert sample_size_share(3, 0.05) == 1
    with pytest.raises(ValidationFailed):
        sample_size_share(100, 0)


@pytest.mark.parametrize(("confidence", "margin"), [(1.0, 0.03), (0, 0.03), (0.95, 0), (0.95, 1.5)])
def test_it_refuses_a_confidence_or_margin_out_of_range(confidence, margin):
    with pytest.raises(ValidationFailed):
        sample_size(100, confidence=confidence, margin=margin)


def test_it_allocates_in_proportion_with_at_least_one_per_village_and_exact_totals():
    # N = 3111; quotas a 6.43, b 0.64, c 0.06, e 192.86: floors (at least 1) 6, 1, 1, 192 = 200
    assert sample_allocate({"a": 100, "b": 10, "c": 1, "d": 0, "e": 3000}, 200) == {
        "a": 6,
        "b": 1,
        "c": 1,
        "d": 0,
        "e": 192,
    }
    # Quotas 7.5, 4.5, 3.0: floors 14, one more to the largest remainder, x before y on a tie.
    assert sample_allocate({"y": 30, "x": 50, "z": 20}, 15) == {"y": 4, "x": 8, "z": 3}


def test_it_takes_from_the_big_villages_when_the_minimum_of_one_overshoots():
    # Quotas 0.29 ×3 and 9.14: each small village gets 1, so the big one gives back 2.
    allocation = sample_allocate({"a": 3, "b": 3, "c": 3, "big": 96}, 10)
    assert allocation == {"a": 1, "b": 1, "c": 1, "big": 7}
    assert sum(allocation.values()) == 10


def test_it_caps_each_village_at_what_it_has():
    assert sample_allocate({"a": 5, "b": 5, "c": 5}, 2) == {"a": 1, "b": 1, "c": 1}
    assert sample_allocate({"a": 2, "b": 3}, 10) == {"a": 2, "b": 3}
    allocation = sample_allocate({"a": 1, "b": 1000}, 500)
    assert allocation == {"a": 1, "b": 499}


def test_it_draws_the_same_sample_for_the_same_seed_whatever_the_order():
    units = {"v1": list(range(100)), "v2": list(range(100, 130))}
    allocation = {"v1": 7, "v2": 3}
    first = sample_draw(units, allocation, seed="2026-12/532901")
    again = sample_draw(
        {"v2": list(reversed(units["v2"])), "v1": list(reversed(units["v1"]))},
        allocation,
        seed="2026-12/532901",
    )
    assert first == again
    assert len(first["v1"]) == 7 and set(first["v1"]) <= set(units["v1"])
    assert len(first["v2"]) == 3 and set(first["v2"]) <= set(units["v2"])
    other = sample_draw(units, allocation, seed="another seed")
    assert other != first


def test_it_refuses_to_draw_more_than_a_village_has():
    with pytest.raises(ValidationFailed):
        sample_draw({"v1": [1, 2]}, {"v1": 3}, seed=1)


def test_it_gives_the_wilson_interval_of_the_problem_share():
    # None found among 100: the upper end is z² / (n + z²) = 3.841459 / 103.841459 = 0.036993.
    estimate = wilson_interval(0, 100)
    assert (estimate.share, estimate.low) == (0.0, 0.0)
    assert estimate.high == pytest.approx(0.036993, abs=1e-6)
    # 5 of 895: p = 0.005587, z²/n = 0.004292; centre (p + 0.002146) / 1.004292 = 0.007700;
    # half-width 1.959964 × sqrt(p(1-p)/895 + 0.004292/3580) / 1.004292 = 0.005311.
    estimate = wilson_interval(5, 895)
    assert estimate.low == pytest.approx(0.002389, abs=1e-6)
    assert estimate.high == pytest.approx(0.013011, abs=1e-6)
    everything = wilson_interval(10, 10)
    assert everything.high == 1.0 and everything.low < 1.0


def test_it_refuses_an_impossible_count():
    with pytest.raises(ValidationFailed):
        wilson_interval(3, 2)
    with pytest.raises(ValidationFailed):
        wilson_interval(0, 0)
