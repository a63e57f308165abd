"""Benchmark of the rules engine: `python bench/bench_rules.py [--persons N]`.

Builds a random population matching `huimin.rules.schema` with numpy, then times population
build, dibao alone (against a hand-written numpy baseline of the same rule, whose amounts must
match exactly), every program, a +10% standard reform on the already-built population, explain()
for one household, and batches of households given as plain records. Peak memory is the process's
maximum resident set size (resource.getrusage ru_maxrss; psutil is not installed), reported as the
peak after each step and the growth of that peak during the step. Figures are merged into
bench/results.json under the "rules" key.
"""

import argparse
import calendar
import datetime as dt
import gc
import json
import resource
import statistics
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from huimin.rules import evaluate, explain, frames_from_records, load_parameters, scale
from huimin.rules.parameters import ParameterSet, choose_for_regions
from huimin.rules.periods import Period, parse_period
from huimin.rules.population import Population
from huimin.rules.schema import INCOME_TYPES, PARENT_STATUSES

RESULTS = Path(__file__).parent / "results.json"
PERIOD = "2026-03"
DALI_COUNTIES = (
    "532901", "532922", "532923", "532924", "532925", "532926",
    "532927", "532928", "532929", "532930", "532931", "532932",
)  # fmt: skip


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def measure(
    label: str,
    action: Callable[[], Any],
    rows: list[dict[str, Any]],
    repeat: int = 1,
    reset: Callable[[], None] | None = None,
) -> Any:
    """Time `action` (median of `repeat` runs, `reset` before each: the machine is shared)."""
    gc.collect()
    before = peak_mb()
    times = []
    for _ in range(repeat):
        if reset is not None:
            reset()
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    seconds = statistics.median(times)
    rows.append(
        {
            "step": label,
            "seconds": round(seconds, 4),
            "runs": repeat,
            "peak_mb": round(peak_mb()),
            "peak_growth_mb": round(peak_mb() - before),
        }
    )
    print(f"  {label:<44} {seconds:9.3f} s   peak {peak_mb():8.0f} MB")
    return result


# --- a random population ---------------------------------------------------------------------


def random_frames(persons: int, seed: int = 7) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(seed)
    sizes = rng.choice([1, 2, 3, 4, 5, 6], size=persons // 2, p=[0.28, 0.32, 0.2, 0.1, 0.06, 0.04])
    sizes = sizes[: np.searchsorted(np.cumsum(sizes), persons) + 1]
    households = len(sizes)
    person_household = np.repeat(np.arange(households, dtype=np.uint32), sizes)[:persons]
    persons = len(person_household)
    villages = np.array(
        [
            f"{c}{t:03d}{v:03d}"
            for c in DALI_COUNTIES
            for t in (1, 2, 101, 102, 201, 202, 203, 204, 205, 206)
            for v in range(1, 26)
        ]
        + [f"530102{t:03d}001" for t in range(1, 11)]
    )
    households_frame = pl.DataFrame(
        {
            "household_id": np.arange(1, households + 1, dtype=np.int64),
            "region_code": villages[rng.integers(0, len(villages), households)],
            "residence_type": np.where(rng.random(households) < 0.4, "urban", "rural"),
            "financial_assets_fen": (rng.exponential(2_000_000, households)).astype(np.int64),
            "vehicle_value_fen": np.where(
                rng.random(households) < 0.15, rng.integers(100_000, 20_000_000, households), 0
            ),
            "commercial_property_count": (rng.random(households) < 0.03).astype(np.int32),
            "home_count": rng.choice([0, 1, 2, 3], households, p=[0.05, 0.8, 0.12, 0.03]).astype(
                np.int32
            ),
            "on_dibao": rng.random(households) < 0.08,
            "emergency_kind": rng.choice(
                ["none", "urgent", "expenditure"], households, p=[0.97, 0.015, 0.015]
            ),
            "emergency_expense_fen": rng.integers(0, 1_000_000, households),
            "disaster_deaths": (rng.random(households) < 0.001).astype(np.int32),
            "disaster_home_destroyed": rng.random(households) < 0.005,
            "disaster_transitional_days": np.where(
                rng.random(households) < 0.01, rng.integers(1, 150, households), 0
            ).astype(np.int32),
            "disaster_winter_spring_persons": np.where(
                rng.random(households) < 0.02, rng.integers(1, 5, households), 0
            ).astype(np.int32),
            "deductible_expense_fen": np.where(
                rng.random(households) < 0.1, rng.integers(0, 100_000, households), 0
            ),
        }
    )
    disabled = rng.random(persons) < 0.08
    epoch = np.datetime64("1970-01-01")
    birth_days = rng.integers(
        (dt.date(1920, 1, 1) - dt.date(1970, 1, 1)).days,
        # a few born after the month evaluated: not yet members
        (dt.date(2026, 6, 1) - dt.date(1970, 1, 1)).days,
        persons,
    )
    dead = rng.random(persons) < 0.01
    veteran = rng.random(persons) < 0.01
    persons_frame = pl.DataFrame(
        {
            "person_id": np.arange(1, persons + 1, dtype=np.int64),
            "household_idx": person_household,
            "birth_date": epoch + birth_days.astype("timedelta64[D]"),
            "sex": rng.choice(["M", "F"], persons),
            "relation": rng.choice(["head", "spouse", "child", "parent", "other"], persons),
            "disability_category": np.where(disabled, rng.integers(1, 8, persons), 0).astype(
                np.int8
            ),
            "disability_grade": np.where(disabled, rng.integers(1, 5, persons), 0).astype(np.int8),
            "selfcare_unable_count": np.where(
                rng.random(persons) < 0.05, rng.integers(1, 7, persons), 0
            ).astype(np.int8),
            "serious_illness": rng.random(persons) < 0.03,
            "able_to_work": rng.random(persons) < 0.7,
            "student": rng.random(persons) < 0.15,
            "special_care_category": np.where(
                veteran,
                rng.choice(
                    [
                        "disabled_veteran",
                        "martyr_family",
                        "died_on_duty_family",
                        "veteran_in_difficulty",
                    ],
                    persons,
                ),
                "none",
            ),
            "special_care_grade": rng.integers(1, 11, persons).astype(np.int8),
            "counted_in_family": rng.random(persons) > 0.01,
            "father_status": rng.choice(
                PARENT_STATUSES, persons, p=[0.9, 0.04, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01]
            ),
            "mother_status": rng.choice(
                PARENT_STATUSES, persons, p=[0.9, 0.04, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01]
            ),
            "legal_supporter_able": rng.random(persons) < 0.9,
            "in_institution": rng.random(persons) < 0.01,
            "death_date": np.where(
                dead,
                epoch + rng.integers(19000, 20600, persons).astype("timedelta64[D]"),
                np.datetime64("NaT"),
            ),
        }
    ).with_columns(
        pl.when(pl.col("disability_grade") > 0)
        .then(pl.col("disability_category"))
        .alias("disability_category"),
        pl.when(pl.col("disability_grade") > 0)
        .then(pl.col("disability_grade"))
        .alias("disability_grade"),
        pl.when(pl.col("special_care_category") == "disabled_veteran")
        .then(pl.col("special_care_grade"))
        .alias("special_care_grade"),
    )
    incomes = int(persons * 0.9)
    open_ended = rng.random(incomes) < 0.9
    incomes_frame = pl.DataFrame(
        {
            "person_idx": rng.integers(0, persons, incomes).astype(np.uint32),
            "income_type": rng.choice(INCOME_TYPES, incomes),
            "monthly_fen": rng.integers(0, 400_000, incomes),
            "valid_from": epoch + rng.integers(18000, 20500, incomes).astype("timedelta64[D]"),
            "valid_to": np.where(
                open_ended,
                np.datetime64("NaT"),
                epoch + rng.integers(20000, 21000, incomes).astype("timedelta64[D]"),
            ),
        }
    )
    return households_frame, persons_frame, incomes_frame


# --- the numpy floor: dibao by hand ----------------------------------------------------------


class RegionValues:
    """Parameters resolved per distinct region with the same vectorized prefix resolution the
    engine uses (`choose_for_regions`), then gathered per household or person: no Python loop
    over regions or rows, nothing hard-coded, nothing taken from one region for all."""

    def __init__(self, population: Population, parameters: ParameterSet, period: Period):
        self.population, self.parameters, self.period = population, parameters, period

    def choice(self, name: str) -> tuple[list[Any], np.ndarray]:
        records, choice = choose_for_regions(
            self.parameters, name, self.period, self.population.regions,
            self.population.prefix_lookup,
        )  # fmt: skip
        return [r.value for r in records], choice

    def numbers(self, name: str, dtype: Any = np.float64) -> np.ndarray:
        """Per region, a numeric value."""
        values, choice = self.choice(name)
        return np.asarray(values, dtype=dtype)[choice]

    def fractions(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Per region, a ratio as numerator and denominator of its decimal writing."""
        values, choice = self.choice(name)
        parts = [Fraction(str(v)) for v in values]
        numerators = np.array([f.numerator for f in parts], dtype=np.int64)[choice]
        denominators = np.array([f.denominator for f in parts], dtype=np.int64)[choice]
        return numerators, denominators


def _record_share(
    population: Population, period: Period, months: int, rows: np.ndarray
) -> np.ndarray:
    """The amount for the month of the income records `rows` over a window of `months` months
    before it (0: the month itself), prorated by days, half up in integers (`rules.view`)."""
    starts = population.income_from[rows].astype(np.int64)
    ends = population.income_to[rows].astype(np.int64)
    fen = population.income_fen_int[rows]
    backs = [0] if months == 0 else range(1, months + 1)
    total = np.zeros(fen.shape, dtype=np.int64)
    for back in backs:
        first = period.months_before(back)
        day_first = (first - dt.date(1970, 1, 1)).days
        length = calendar.monthrange(first.year, first.month)[1]
        covered = np.minimum(ends, day_first + length - 1) - np.maximum(starts, day_first) + 1
        total += (2 * fen * np.clip(covered, 0, None) + length) // (2 * length)
    count = len(backs)
    return (2 * total + count) // (2 * count)


def numpy_dibao(
    population: Population, parameters: ParameterSet, period_label: str
) -> tuple[np.ndarray, np.ndarray]:
    """The full dibao rule with numpy only (same reading as the engine, checked equal on every
    household): every parameter resolved per region, every step vectorised."""
    period = parse_period(period_label)
    values = RegionValues(population, parameters, period)
    h = population.households
    region = h["region_idx"].to_numpy()
    households = population.n_households
    urban = (h["residence_type"] == "urban").to_numpy()

    def by_residence(stem: str) -> np.ndarray:
        return np.where(
            urban,
            values.numbers(f"{stem}.urban", np.int64)[region],
            values.numbers(f"{stem}.rural", np.int64)[region],
        )

    std = by_residence("dibao.standard")
    disposable = by_residence("common.disposable_income")

    # persons: membership and categories (ages on the last day; thresholds per region)
    p = population.persons
    person_region = p["region_idx"].to_numpy()
    end = period.end
    age = (
        end.year
        - p["birth_year"].to_numpy()
        - (p["birth_monthday"].to_numpy() > end.month * 100 + end.day)
    )
    death = p["death_date"].to_numpy()
    alive = (np.isnat(death) | (death > np.datetime64(period.start))) & (age >= 0)
    member = alive & p["counted_in_family"].fill_null(True).to_numpy()
    grade = p["disability_grade"].fill_null(99).to_numpy()
    ill = p["serious_illness"].fill_null(False).to_numpy()
    unable = p["selfcare_unable_count"].fill_null(0).to_numpy()
    elderly_age, adult_age, grade_max, bedridden = (
        values.numbers(name, np.int64)[person_region]
        for name in (
            "dibao.age.elderly",
            "dibao.age.adult",
            "dibao.severe_disability.grade_max",
            "dibao.single_person.bedridden_selfcare_unable",
        )
    )
    severe = grade <= grade_max
    single = member & (age >= adult_age) & (severe | (ill & (unable >= bedridden)))
    hh_of = population.person_household
    n = np.bincount(hh_of[member], minlength=households)
    n_single = np.bincount(hh_of[single], minlength=households)

    # income: each counted type read over its window, records prorated by days
    counted_types, counted_choice = values.choice("dibao.income.counted_types")
    months_values, months_choice = values.choice("dibao.income.months")
    counted_table = np.array(
        [[t in chosen for t in INCOME_TYPES] for chosen in counted_types], dtype=bool
    )[counted_choice]
    months_table = np.array(
        [[int(m.get(t, 0)) for t in INCOME_TYPES] for m in months_values], dtype=np.int64
    )[months_choice]
    window = np.where(counted_table, months_table, -1)[
        population.income_region, population.income_type
    ]
    amount = np.zeros(window.shape, dtype=np.int64)
    for months in np.unique(window[window >= 0]):
        rows = np.flatnonzero(window == months)  # only the records read over this window
        amount[rows] = _record_share(population, period, int(months), rows)
    owner = population.income_person
    income = np.bincount(
        population.income_household, weights=np.where(member[owner], amount, 0),
        minlength=households,
    ).astype(np.int64)  # fmt: skip
    single_income = np.bincount(
        population.income_household, weights=np.where(single[owner], amount, 0),
        minlength=households,
    ).astype(np.int64)  # fmt: skip
    deduct = values.numbers("dibao.income.deduct_expenses", bool)[region]
    expense = h["deductible_expense_fen"].to_numpy()
    net = np.where(deduct, np.maximum(income - expense, 0), income)
    single_net = np.where(deduct, np.maximum(single_income - expense, 0), single_income)

    # assets and the family test, limits compared exactly on totals
    multiple_num, multiple_den = values.fractions("dibao.asset.financial_multiple")
    assets_ok = (
        (
            h["financial_assets_fen"].to_numpy() * multiple_den[region]
            <= multiple_num[region] * disposable * np.maximum(n, 1)
        )
        & (h["vehicle_value_fen"].to_numpy() < values.numbers("dibao.asset.vehicle_limit_fen", np.int64)[region])
        & (h["commercial_property_count"].to_numpy() <= values.numbers("dibao.asset.commercial_property_max", np.int64)[region])
        & (h["home_count"].to_numpy() <= values.numbers("dibao.asset.home_max", np.int64)[region])
    )  # fmt: skip
    family = assets_ok & (n >= 1) & (net < std * n)
    single_num, single_den = values.fractions("dibao.single_person.income_ratio")
    single_ok = (
        ~family
        & assets_ok
        & (n_single > 0)
        & (net * single_den[region] <= single_num[region] * std * n)
    )

    # top-ups: one per member, the highest ratio of their categories, times the standard
    ratios = [
        values.numbers(f"dibao.topup.{category}_ratio")[person_region]
        for category in ("elderly", "minor", "severely_disabled", "seriously_ill")
    ]
    in_category = [age >= elderly_age, age < adult_age, severe, ill]
    ratio = np.max([np.where(c, r, 0.0) for c, r in zip(in_category, ratios, strict=True)], axis=0)
    topup_person = np.where(
        np.any(in_category, axis=0), np.floor(ratio * std[hh_of] + 0.5), 0
    ).astype(np.int64)
    topup = np.bincount(hh_of, weights=np.where(member, topup_person, 0), minlength=households)
    single_topup = np.bincount(
        hh_of, weights=np.where(single, topup_person, 0), minlength=households
    )

    # the family amount: difference, or by tiers where a region pays by tiers
    formulas, formula_choice = values.choice("dibao.formula")
    tiered = np.array([f == "tiered" for f in formulas])[formula_choice][region]
    family_base = std * n - net
    if tiered.any():
        tier_sets, tier_choice = values.choice("dibao.tiers")
        household_tiers = tier_choice[region]
        tier_pay = np.zeros(households, dtype=np.int64)
        for index, tiers in enumerate(tier_sets):
            unset = tiered & (household_tiers == index)
            for upper, pay in tiers:
                upper_f, pay_f = Fraction(str(upper)), Fraction(str(pay))
                hit = unset & (net * upper_f.denominator < upper_f.numerator * std * n)
                paid = (2 * pay_f.numerator * std * n + pay_f.denominator) // (
                    2 * pay_f.denominator
                )
                tier_pay = np.where(hit, paid, tier_pay)
                unset &= ~hit
        family_base = np.where(tiered, tier_pay, family_base)
    family_raw = family_base + topup.astype(np.int64)
    single_raw = np.maximum(std * n_single - single_net, 0) + single_topup.astype(np.int64)
    raw = np.maximum(np.where(family, family_raw, np.where(single_ok, single_raw, 0)), 0)

    rules, rule_choice = values.choice("dibao.rounding")
    rule = np.array([ROUNDING_CODES[r] for r in rules], dtype=np.int8)[rule_choice][region]
    amount = np.select(
        [rule == 0, rule == 1, rule == 2],
        [raw, (raw + 99) // 100 * 100, (raw + 50) // 100 * 100],
        raw // 100 * 100,
    )
    return family | single_ok, amount


ROUNDING_CODES = {"fen": 0, "ceil_yuan": 1, "round_yuan": 2, "floor_yuan": 3}


# --- scenarios -------------------------------------------------------------------------------


def household_records(population: Population, count: int) -> list[dict[str, Any]]:
    """The first `count` households as plain records (what the API would post)."""
    sub = population.take(list(range(min(count, population.n_households))))
    persons = sub.persons.drop("region_idx", "urban", "birth_year", "birth_monthday")
    incomes_by_person: dict[int, list[dict[str, Any]]] = {}
    for row in sub.incomes.iter_rows(named=True):
        incomes_by_person.setdefault(row.pop("person_idx"), []).append(row)
    members: dict[int, list[dict[str, Any]]] = {}
    for index, row in enumerate(persons.iter_rows(named=True)):
        row["incomes"] = incomes_by_person.get(index, [])
        members.setdefault(row.pop("household_idx"), []).append(row)
    records = []
    for index, row in enumerate(sub.households.drop("region_idx").iter_rows(named=True)):
        row["members"] = members.get(index, [])
        records.append(row)
    return records


def median_ms(action: Callable[[], Any], runs: int) -> float:
    action()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--explain-runs", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3, help="runs per timed step (median)")
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    print(
        f"rules benchmark: {args.persons:,} persons, period {PERIOD}, {pl.thread_pool_size()} threads"
    )
    frames = measure("generate random frames (numpy)", lambda: random_frames(args.persons), rows)
    population = measure("population build", lambda f=frames: Population(*f), rows)
    del frames
    parameters = load_parameters()
    print(
        f"  ({population.n_households:,} households, {population.n_persons:,} persons, {len(population.regions):,} regions)"
    )
    baseline = measure(
        "numpy baseline: dibao",
        lambda: numpy_dibao(population, parameters, PERIOD),
        rows,
        repeat=args.repeat,
    )
    dibao = measure(
        "dibao alone (first run: month view built)",
        lambda: evaluate(population, PERIOD, parameters, ["dibao"]),
        rows,
        repeat=args.repeat,
        reset=population.clear_caches,
    )
    engine_rows = dibao["dibao"]
    for name, expected in zip(("eligible", "amount_fen"), baseline, strict=True):
        differ = np.flatnonzero(engine_rows[name].to_numpy() != expected)
        assert differ.size == 0, (
            f"engine and numpy baseline disagree on {name} for {differ.size} households, "
            f"first household_idx {differ[:5].tolist()}"
        )
    measure(
        "dibao alone (month view cached)",
        lambda: evaluate(population, PERIOD, parameters, ["dibao"]),
        rows,
        repeat=args.repeat,
    )
    measure(
        "every program",
        lambda: evaluate(population, PERIOD, parameters),
        rows,
        repeat=args.repeat,
    )
    reform = parameters.with_changes({"dibao.standard": scale(1.10)})
    # the reform's parameters are resolved afresh each run (new parameter set, same population)
    reformed = measure(
        "+10% standard reform: dibao",
        lambda: evaluate(population, PERIOD, reform.with_overrides([]), ["dibao"]),
        rows,
        repeat=args.repeat,
    )
    measure(
        "+10% standard reform: every program",
        lambda: evaluate(population, PERIOD, reform.with_overrides([])),
        rows,
        repeat=args.repeat,
    )
    cost = int(dibao["dibao"]["amount_fen"].sum()), int(reformed["dibao"]["amount_fen"].sum())

    records = household_records(population, 10_000)
    one = next(r for r in records if len(r["members"]) >= 3)
    explain_ms = median_ms(lambda: explain(one, PERIOD, parameters), args.explain_runs)
    explain_dibao_ms = median_ms(
        lambda: explain(one, PERIOD, parameters, programs=["dibao"]), args.explain_runs
    )
    batches = {}
    for size in (1_000, 10_000):
        batch = records[:size]
        batches[size] = median_ms(
            lambda b=batch: evaluate(frames_from_records(b), PERIOD, parameters), 3
        )

    seconds = {row["step"]: row["seconds"] for row in rows}
    figures = {
        "persons": population.n_persons,
        "households": population.n_households,
        "regions": len(population.regions),
        "memory_measure": "ru_maxrss (process peak RSS), MB",
        "steps": rows,
        "dibao_over_numpy": round(
            seconds["dibao alone (first run: month view built)"] / seconds["numpy baseline: dibao"],
            2,
        ),
        "dibao_cached_over_numpy": round(
            seconds["dibao alone (month view cached)"] / seconds["numpy baseline: dibao"], 2
        ),
        "every_program_seconds": seconds["every program"],
        "explain_one_household_ms_median": round(explain_ms, 2),
        "explain_one_household_dibao_only_ms_median": round(explain_dibao_ms, 2),
        "records_batch_ms": {str(k): round(v, 1) for k, v in batches.items()},
        "dibao_monthly_cost_fen": {"baseline": cost[0], "reform_plus_10pct": cost[1]},
    }
    print()
    print(
        f"  dibao / numpy baseline: {figures['dibao_over_numpy']}x (month view cached: {figures['dibao_cached_over_numpy']}x)"
    )
    print(
        f"  explain one household (median of {args.explain_runs}): {explain_ms:.2f} ms all programs, {explain_dibao_ms:.2f} ms dibao only"
    )
    for size, ms in batches.items():
        print(
            f"  batch of {size:>6,} households as records, every program: {ms:8.1f} ms ({ms * 1000 / size:.0f} us/household)"
        )
    print(
        f"  dibao monthly cost: {cost[0] / 100:,.0f} yuan; with +10% standards: {cost[1] / 100:,.0f} yuan"
    )
    _merge(figures, args.persons)


def _merge(figures: dict[str, Any], persons: int) -> None:
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    rules = existing.get("rules", {})
    rules["default" if persons == 1_000_000 else f"persons_{persons}"] = figures
    existing["rules"] = rules
    RESULTS.write_text(json.dumps(existing, indent=2, ensure_ascii=False) + "\n")
    print(f"  figures merged into {RESULTS} under 'rules'")


if __name__ == "__main__":
    main()
