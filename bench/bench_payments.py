"""Time the bank file of a payroll cycle and the reconciliation of the bank's return file.

    .venv/bin/python bench/bench_payments.py [--persons 1000000] [--seed 1]

`--persons` is the number of payment lines. The lines are synthetic (Chinese names, 19-digit
accounts, amounts of 100 to 2,000 yuan) in a Polars frame, as the payments app reads them from the
database. Measured:
- export_seconds: the fixed-width GBK file of the rural credit cooperative's layout (grouped per
  account, so sorted by account), from the frame to the bytes and their SHA-256;
- export_csv_seconds: the same lines in the commercial bank's UTF-8 CSV layout;
- reconcile_seconds: reading the bank's return file (cycle, control totals, every row checked) and
  classifying every line against the cycle's lines; the file has paid lines, rejections, amount
  mismatches, duplicates, unknown and missing lines.
Prints the figures and merges them into bench/results.json under "payments", keeping the keys
other benchmarks (the payroll cycle's) write there.
"""

import argparse
import datetime as dt
import json
import os
import platform
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("HUIMIN_ENV", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huimin.settings_test")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402

from huimin.payments.banking.export import CycleInfo, bank_file_build  # noqa: E402
from huimin.payments.banking.layouts import layout_get  # noqa: E402
from huimin.payments.banking.returns import (  # noqa: E402
    ExpectedCycle,
    return_classify,
    return_file_read,
)
from huimin.payments.banking.simulate import return_file_simulate  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results.json"
CYCLE = CycleInfo("532901", "2026-12", 1, "RCC01", dt.date(2026, 12, 5))
SURNAMES = list("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕")
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕彩春菊凤梅琴云莲真环")


def lines_frame(count: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    surname = pl.Series(np.array(SURNAMES)[rng.integers(0, len(SURNAMES), count)])
    first = pl.Series(np.array(GIVEN)[rng.integers(0, len(GIVEN), count)])
    second = pl.Series(np.array(GIVEN + [""] * 10)[rng.integers(0, len(GIVEN) + 10, count)])
    # A household's members share its account (一卡通): about three lines per account.
    household = np.sort(rng.integers(0, max(1, count // 3), count))
    return pl.DataFrame(
        {
            "line_id": np.arange(1, count + 1, dtype=np.int64),
            "payee_name": surname + first + second,
            "account_number": pl.Series(
                household + 6_217_000_000_000_000_000, dtype=pl.UInt64
            ).cast(pl.String),
            "bank_code": "402731000018",
            "amount_fen": rng.integers(100_00, 2_000_00, count),
            "program": np.array(["dibao", "tekun", "oldage"])[rng.integers(0, 3, count)],
            "household_number": pl.Series(household).cast(pl.String).str.zfill(10),
        }
    )


def return_rows(lines: pl.DataFrame, seed: int) -> pl.DataFrame:
    """The bank's answer: mostly paid, 1% rejected, some wrong amounts, duplicates and strays."""
    rng = np.random.default_rng(seed + 1)
    count = lines.height
    draw = rng.random(count)
    rows = lines.select("line_id", "account_number", "amount_fen").with_columns(
        pl.Series("draw", draw)
    )
    rows = rows.filter(pl.col("draw") >= 0.002)  # 0.2% missing
    rows = rows.with_columns(
        pl.when(pl.col("draw") < 0.012).then(pl.lit("01")).otherwise(pl.lit("00")).alias("status"),
        pl.when(pl.col("draw") < 0.012).then(pl.lit("E001")).otherwise(pl.lit("")).alias("reason"),
        pl.when(pl.col("draw").is_between(0.012, 0.013))
        .then(pl.col("amount_fen") - 1)
        .otherwise(pl.col("amount_fen"))
        .alias("amount_fen"),
    )
    duplicates = rows.filter(pl.col("draw").is_between(0.5, 0.501))
    strays = rows.head(max(1, count // 1000)).with_columns(
        (pl.col("line_id") + 10 * count).alias("line_id")
    )
    return pl.concat([rows, duplicates, strays]).drop("draw")


def measure(count: int, seed: int) -> dict[str, Any]:
    started = time.perf_counter()
    lines = lines_frame(count, seed)
    made = time.perf_counter()

    fixed = layout_get("rcc_fixed_gbk")
    began = time.perf_counter()
    bank_file = bank_file_build(fixed, lines, cycle=CYCLE)
    export_seconds = time.perf_counter() - began

    began = time.perf_counter()
    csv_file = bank_file_build(layout_get("commercial_csv_utf8"), lines, cycle=CYCLE)
    export_csv_seconds = time.perf_counter() - began

    again = bank_file_build(fixed, lines.reverse(), cycle=CYCLE)
    identical = again.sha256 == bank_file.sha256

    name, content = return_file_simulate(fixed, return_rows(lines, seed), cycle=CYCLE)
    began = time.perf_counter()
    reading = return_file_read(fixed, content, expected=ExpectedCycle(CYCLE), file_name=name)
    read_seconds = time.perf_counter() - began
    classified = return_classify(reading, lines, already_paid=set())
    reconcile_seconds = time.perf_counter() - began

    return {
        "lines": count,
        "export_seconds": round(export_seconds, 3),
        "export_layout": fixed.key,
        "export_bytes": len(bank_file.content),
        "export_csv_seconds": round(export_csv_seconds, 3),
        "export_csv_bytes": len(csv_file.content),
        "export_byte_identical_when_reversed": identical,
        "reconcile_seconds": round(reconcile_seconds, 3),
        "reconcile_read_seconds": round(read_seconds, 3),
        "return_rows": reading.count,
        "return_bytes": len(content),
        "return_classes": dict(classified.counts),
        "make_lines_seconds": round(made - started, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=1_000_000, help="payment lines")
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    figures = measure(arguments.persons, arguments.seed)
    figures |= {
        "command": f"bench/bench_payments.py --persons {arguments.persons} --seed {arguments.seed}",
        "machine": {
            "cpus": os.cpu_count(),
            "load_average_1min": round(os.getloadavg()[0], 2),
            "python": platform.python_version(),
            "polars": pl.__version__,
        },
        "measured_at": datetime.now(tz=UTC).isoformat(timespec="seconds"),
    }
    merge_into_results("payments", figures)
    print(json.dumps(figures, indent=2, ensure_ascii=False))


def merge_into_results(key: str, figures: dict[str, Any]) -> None:
    # Read-modify-write, keeping other benchmarks' keys and, under "payments", the payroll
    # cycle's figures (cycle_seconds, copy_seconds, ...), which another benchmark writes.
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    results[key] = {**results.get(key, {}), **figures}
    with tempfile.NamedTemporaryFile(
        "w", dir=RESULTS.parent, delete=False, encoding="utf-8", suffix=".tmp"
    ) as tmp:
        json.dump(results, tmp, indent=2, ensure_ascii=False)
        tmp.write("\n")
    Path(tmp.name).replace(RESULTS)


if __name__ == "__main__":
    main()
