"""Money arithmetic is exact: shares of an amount and reforms compared with Decimal arithmetic.

The rule: a share (ratio x fen) is the exact product rounded half up to whole fen
(ROUND_HALF_UP); the benefit a program pays is then rounded by the program's own
`<program>.rounding` parameter. Ratios are decimals of at most six places.
"""

from decimal import ROUND_HALF_UP, Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from huimin.rules import scale
from huimin.rules.errors import ParameterError
from huimin.rules.parameters import load_parameters
from huimin.rules.program import divide_half_up, share_of
from tests.rules.pinned import pinned_parameters

RATIOS = st.decimals(min_value=0, max_value=20, places=6, allow_nan=False, allow_infinity=False)
AMOUNTS = st.integers(min_value=0, max_value=10_000_000_000)  # up to 100 million yuan


def _exact_share(ratio: Decimal, fen: int) -> int:
    return int((ratio * fen).to_integral_value(ROUND_HALF_UP))


def test_it_rounds_seven_tenths_of_45_fen_up_to_32() -> None:
    # 0.7 x 45 = 31.5 exactly; in floating point 31.499999999999996
    assert pl.select(share_of(pl.lit(0.7), pl.lit(45))).item() == 32


@given(ratio=RATIOS, fen=AMOUNTS)
def test_a_share_of_an_amount_is_the_decimal_product_rounded_half_up(
    ratio: Decimal, fen: int
) -> None:
    got = pl.select(share_of(pl.lit(float(ratio)), pl.lit(fen))).item()
    assert got == _exact_share(ratio, fen)


@given(pairs=st.lists(st.tuples(RATIOS, AMOUNTS), min_size=1, max_size=20))
def test_a_share_per_region_is_exact_too(pairs: list[tuple[Decimal, int]]) -> None:
    # ratios that differ by region arrive as a Float64 column gathered per row
    frame = pl.DataFrame(
        {"ratio": [float(r) for r, _ in pairs], "fen": [f for _, f in pairs]},
        schema={"ratio": pl.Float64, "fen": pl.Int64},
    )
    got = frame.select(share_of(pl.col("ratio"), pl.col("fen")))["ratio"].to_list()
    assert got == [_exact_share(r, f) for r, f in pairs]


@given(fen=AMOUNTS)
def test_a_yearly_amount_divided_by_twelve_rounds_half_up(fen: int) -> None:
    got = pl.select(divide_half_up(pl.lit(fen), 12)).item()
    assert got == int((Decimal(fen) / 12).to_integral_value(ROUND_HALF_UP))


@settings(max_examples=50, deadline=None)  # each example builds a parameter set
@given(
    fen=st.integers(min_value=0, max_value=100_000_000),
    factor=st.decimals(min_value=1, max_value=2, places=4),
)
def test_a_reform_scales_money_exactly(fen: int, factor: Decimal) -> None:
    reform = pinned_parameters(
        [
            {
                "name": "dibao.standard.urban",
                "start": "2030-01-01",
                "region": "532901001001",
                "value": fen,
                "source": "test",
            }
        ]  # fmt: skip
    ).with_changes({"dibao.standard.urban": scale(float(factor))})
    scaled = reform.resolve("dibao.standard.urban", "532901001001", "2030-01")
    assert scaled.value == int((fen * factor).to_integral_value(ROUND_HALF_UP))


def test_a_reform_keeps_a_ratio_to_six_places() -> None:
    reform = pinned_parameters().with_changes({"dibao.topup.elderly_ratio": scale(1.1)})
    record = reform.resolve("dibao.topup.elderly_ratio", "532901001001", "2026-03")
    assert record.value == 0.22  # 0.2 x 1.1, not 0.22000000000000003


def test_it_refuses_a_ratio_with_more_than_six_decimal_places() -> None:
    with pytest.raises(ParameterError, match="six decimal places"):
        load_parameters(
            [
                {
                    "name": "dibao.near_poor.income_ratio",
                    "start": "2030-01-01",
                    "region": "",
                    "value": 1.3333333,
                    "source": "test",
                }
            ]  # fmt: skip
        )
