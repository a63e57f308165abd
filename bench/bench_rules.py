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
import datetime as dt
import gc
import json
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from huimin.rules import evaluate, explain, frames_from_records, load_parameters, scale
from huimin.rules.parameters import ParameterSet
from huimin.rules.periods import parse_period
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
        (dt.date(2026, 2, 1) - dt.date(1970, 1, 1)).days,
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


def numpy_dibao(population: Population, parameters: ParameterSet, period_label: str) -> np.ndarray:
    """The dibao rule with numpy only, from the frames' columns (same semantics as the engine)."""
    period = parse_period(period_label)
    regions = population.regions

    def per_region(name: str) -> np.ndarray:
        return np.array(
            [parameters.resolve_winner(name, code, period).value for code in regions], dtype=object
        )

    h = population.households
    region = h["region_idx"].to_numpy()
    urban = (h["residence_type"] == "urban").to_numpy()
    std = np.where(
        urban,
        per_region("dibao.standard.urban")[region],
        per_region("dibao.standard.rural")[region],
    ).astype(np.int64)
    disposable = np.where(
        urban,
        per_region("common.disposable_income.urban")[region],
        per_region("common.disposable_income.rural")[region],
    ).astype(np.int64)
    multiple = per_region("dibao.asset.financial_multiple")[region].astype(np.float64)

    p = population.persons
    end = period.end
    age = (
        end.year
        - p["birth_year"].to_numpy()
        - (p["birth_monthday"].to_numpy() > end.month * 100 + end.day)
    )
    death = p["death_date"].to_numpy()
    alive = np.isnat(death) | (death > np.datetime64(period.start))
    member = alive & p["counted_in_family"].to_numpy()
    grade = p["disability_grade"].fill_null(9).to_numpy()
    severe = grade <= 2
    ill = p["serious_illness"].to_numpy()
    bedridden = p["selfcare_unable_count"].to_numpy() >= 4
    single = member & (age >= 18) & (severe | (ill & bedridden))
    hh_of = population.person_household
    households = population.n_households
    n = np.bincount(hh_of[member], minlength=households)
    n_single = np.bincount(hh_of[single], minlength=households)

    start_day = (period.start - dt.date(1970, 1, 1)).days
    end_day = (period.end - dt.date(1970, 1, 1)).days
    valid = (population.income_from <= end_day) & (population.income_to >= start_day)
    counted_types = {
        t for t in parameters.resolve_winner("dibao.income.counted_types", regions[0], period).value
    }
    counted = np.isin(population.income_type, [INCOME_TYPES.index(t) for t in counted_types])
    keep = valid & counted & member[population.income_person]
    income = np.rint(
        np.bincount(
            population.income_household[keep],
            weights=population.income_fen[keep],
            minlength=households,
        )
    ).astype(np.int64)
    keep_single = valid & counted & single[population.income_person]
    single_income = np.rint(
        np.bincount(
            population.income_household[keep_single],
            weights=population.income_fen[keep_single],
            minlength=households,
        )
    ).astype(np.int64)
    net = np.maximum(income - h["deductible_expense_fen"].to_numpy(), 0)

    def share(ratio: np.ndarray | float, fen: np.ndarray) -> np.ndarray:
        return np.floor(np.asarray(ratio, dtype=np.float64) * fen + 0.5).astype(np.int64)

    assets_ok = (
        (h["financial_assets_fen"].to_numpy() <= share(multiple, disposable) * np.maximum(n, 1))
        & (h["vehicle_value_fen"].to_numpy() < 5_000_000)
        & (h["commercial_property_count"].to_numpy() <= 0)
        & (h["home_count"].to_numpy() <= 2)
    )
    family = assets_ok & (n >= 1) & (net < std * n)
    single_ok = assets_ok & (n_single > 0) & (net <= share(1.5, std) * n)

    # top-ups: one per person, the highest ratio (elderly/minor 0.2, severe/ill 0.3)
    ratio = np.where(severe | ill, 0.3, np.where((age >= 60) | (age < 18), 0.2, 0.0))
    person_std = std[hh_of]
    topup_person = share(ratio, person_std)
    topup = np.bincount(hh_of[member], weights=topup_person[member], minlength=households).astype(
        np.int64
    )
    single_topup = np.bincount(
        hh_of[single], weights=topup_person[single], minlength=households
    ).astype(np.int64)

    tiered = np.array(
        [parameters.resolve_winner("dibao.formula", c, period).value == "tiered" for c in regions]
    )[region]
    tier_pay = np.zeros(households, dtype=np.int64)
    unset = np.ones(households, dtype=bool)
    for upper, pay in parameters.resolve_winner("dibao.tiers", regions[0], period).value:
        hit = unset & (net < share(upper, std) * n)
        tier_pay[hit] = share(pay, std)[hit] * n[hit]
        unset &= ~hit
    family_raw = np.where(tiered, tier_pay, std * n - net) + topup
    single_raw = np.maximum(std * n_single - single_income, 0) + single_topup
    use_family = family & (~single_ok | (family_raw >= single_raw))
    raw = np.where(use_family, family_raw, np.where(single_ok, single_raw, 0))
    return (np.maximum(raw, 0) + 99) // 100 * 100


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
    assert np.array_equal(dibao["dibao"]["amount_fen"].to_numpy(), baseline), (
        "engine and numpy baseline disagree"
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
