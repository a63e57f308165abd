"""Time the synthetic population: generate N persons for Dali prefecture and write them to Parquet.

    .venv/bin/python bench/bench_generate.py [--persons 1000000] [--seed 1] [--out bench/out/generate]

Prints the figures and merges them into bench/results.json under "generate", leaving the other
benchmarks' keys as they are. Loading into PostgreSQL is the registry app's benchmark, not this one.
"""

import argparse
import json
import os
import platform
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from huimin.registry.synthetic import generate, villages_under, write_parquet

ROOT = Path(__file__).resolve().parents[1]

RESULTS = ROOT / "bench" / "results.json"
REGION = "5329"  # Dali Bai Autonomous Prefecture


def main() -> None:
    arguments = parse_arguments()
    villages = villages_under(REGION)

    started = time.perf_counter()
    population = generate(villages, arguments.persons, arguments.seed)
    generated = time.perf_counter()
    paths = write_parquet(population, arguments.out)
    written = time.perf_counter()

    figures = {
        "persons": population.persons.height,
        "households": population.households.height,
        "income_records": population.incomes.height,
        "villages": len(villages),
        "seed": arguments.seed,
        "generate_seconds": round(generated - started, 3),
        "write_parquet_seconds": round(written - generated, 3),
        "total_seconds": round(written - started, 3),
        "persons_per_second": round(population.persons.height / (written - started)),
        "parquet_bytes": {name: path.stat().st_size for name, path in paths.items()},
        "command": f"bench/bench_generate.py --persons {arguments.persons} --seed {arguments.seed}",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "polars": pl.__version__,
        },
        "measured_at": datetime.now(tz=UTC).isoformat(timespec="seconds"),
    }
    merge_into_results("generate", figures)
    print(json.dumps(figures, indent=2, ensure_ascii=False))


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "generate")
    return parser.parse_args()


def merge_into_results(key: str, figures: dict) -> None:
    # Read-modify-write: other benchmarks keep their own keys in the same file.
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    results[key] = figures
    # Write beside the file and rename, so a reader never sees half a file.
    with tempfile.NamedTemporaryFile(
        "w", dir=RESULTS.parent, delete=False, encoding="utf-8", suffix=".tmp"
    ) as tmp:
        json.dump(results, tmp, indent=2, ensure_ascii=False, sort_keys=True)
        tmp.write("\n")
    Path(tmp.name).replace(RESULTS)


if __name__ == "__main__":
    main()
