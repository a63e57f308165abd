"""Benchmark of a simulation: `python bench/bench_simulation.py [--persons N[,M...]]`.

For each size (default 1,000,000 and 10,000,000 persons) one child process draws the random
population of bench_rules.py and writes it to Parquet; a second reads it (so its peak memory is
the simulation's, not the drawing's), evaluates dibao once to warm up (thread pool, allocator),
then times, each on a cold month (the population's caches cleared), in turn and twice each
(the best of each counts):
- rules only: the rules as the simulation runs them (`run.evaluate_both`): every program for
  the baseline, and for a +10% dibao standard reform every program the reform changes (dibao,
  tekun, temporary assistance, the disability living subsidy); the others' outcomes are the
  baseline's, their parameters being the same;
- the whole simulation: the same evaluations plus the household outcomes and every metric
  (costs by program, county and household type, recipients gained and lost, winners and losers
  by decile and household type, FGT 0/1/2, Gini and Lorenz, targeting).
Peak memory is the child's maximum resident set size (resource.getrusage ru_maxrss), which
counts Polars' and numpy's native allocations (tracemalloc would not). Figures are merged into
bench/results.json under "simulation", the other keys kept.
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).parent / "results.json"
PERIOD = "2026-03"
FRAMES = ("households", "persons", "incomes")
ROUNDS = 2
SCENARIO = {
    "name": "bench: dibao standard +10%",
    "period": PERIOD,
    "population": {"source": "snapshot", "path": "-"},
    "reform": {"parameters": [{"name": "dibao.standard", "scale": 1.1}]},
    "metrics": {"poverty_line_fen": 60000},
}


def draw(persons: int, folder: Path) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_rules import random_frames  # type: ignore[import-not-found]

    for name, frame in zip(FRAMES, random_frames(persons), strict=True):
        frame.write_parquet(folder / f"{name}.parquet")


def child(folder: Path, out: Path) -> None:
    sys.path.insert(0, str(ROOT))
    import numpy as np
    import polars as pl

    from huimin.rules import PROGRAMS, evaluate, load_parameters
    from huimin.rules.population import Population
    from huimin.simulation.reform import reformed_parameters
    from huimin.simulation.run import evaluate_both, simulate
    from huimin.simulation.scenario import check_scenario
    from huimin.simulation.sources import Source

    started = time.perf_counter()
    population = Population(*(pl.read_parquet(folder / f"{name}.parquet") for name in FRAMES))
    build = time.perf_counter() - started
    scenario = check_scenario(SCENARIO, load_parameters())
    source = Source(population, np.ones(population.n_households), False, "53")
    evaluate(population, PERIOD, load_parameters().with_overrides([]), ["dibao"])  # warm-up

    def rules_alone() -> float:
        population.clear_caches()
        base = load_parameters().with_overrides([])
        started = time.perf_counter()
        reform = reformed_parameters(base, scenario.changes)
        evaluate_both(population, scenario.periods[0], base, reform, list(PROGRAMS), {})
        return time.perf_counter() - started

    def whole() -> tuple[float, Any]:
        population.clear_caches()
        started = time.perf_counter()
        result = simulate(scenario, source, baseline=load_parameters().with_overrides([]))
        return time.perf_counter() - started, result

    # in turn, twice each, the best of each: the first run of a process also pays for taking
    # its memory from the system, and neither side should carry that alone
    rules_times, whole_times = [], []
    for _ in range(ROUNDS):
        rules_times.append(rules_alone())
        seconds, result = whole()
        whole_times.append(seconds)
    rules_only, seconds = min(rules_times), min(whole_times)
    cost = result.figures["cost"]["monthly"]
    figures = {
        "persons": population.n_persons,
        "households": population.n_households,
        "seconds": round(seconds, 3),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "rules_only_seconds": round(rules_only, 3),
        "metrics_overhead_ratio": round((seconds - rules_only) / rules_only, 3),
        "simulation_rules_seconds": round(result.rules_seconds, 3),
        "simulation_metrics_seconds": round(result.metrics_seconds, 3),
        "population_read_and_build_seconds": round(build, 3),
        "monthly_cost_fen": {"baseline": cost["baseline_fen"], "reform": cost["reform_fen"]},
        "memory_measure": "ru_maxrss of the simulating child (peak RSS, population read from"
        " Parquet, drawing excluded), MB",
    }
    out.write_text(json.dumps(figures))


def run_size(persons: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "figures.json"
        subprocess.run(
            [sys.executable, __file__, "--draw", str(persons), "--out", scratch], check=True
        )
        subprocess.run(
            [sys.executable, __file__, "--child", scratch, "--out", str(out)], check=True
        )
        return json.loads(out.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", default="1000000,10000000", help="sizes, comma-separated")
    parser.add_argument("--draw", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.draw:
        draw(args.draw, args.out)
        return
    if args.child:
        child(args.child, args.out)
        return
    sizes = [int(size) for size in str(args.persons).split(",")]
    found = {}
    for persons in sizes:
        print(f"== simulation at {persons:,} persons")
        figures = run_size(persons)
        found[str(persons)] = figures
        print(
            f"  {figures['seconds']:8.2f} s whole simulation, {figures['rules_only_seconds']:8.2f} s"
            f" rules only (metrics +{figures['metrics_overhead_ratio']:.0%}),"
            f" peak {figures['peak_mb']} MB"
        )
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    simulation = existing.get("simulation", {})
    simulation.update(found)
    existing["simulation"] = simulation
    RESULTS.write_text(json.dumps(existing, indent=2, ensure_ascii=False) + "\n")
    print(f"  figures merged into {RESULTS} under 'simulation'")


if __name__ == "__main__":
    main()
