"""The load benchmark's arithmetic: nearest-rank percentiles, and the steady state counted from
the moment the last login answered (bench/bench_load.py)."""

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _bench_load():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location("bench_load", BENCH / "bench_load.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_percentiles_are_nearest_rank() -> None:
    figures = _bench_load()._percentiles([float(ms) for ms in range(100, 0, -1)])
    assert figures == {"p50_ms": 50.0, "p95_ms": 95.0, "p99_ms": 99.0}


def test_the_steady_state_starts_when_the_last_login_answered() -> None:
    records = [
        ["login", 2000.0, "", 100.0],  # answered at 102.0
        ["login", 500.0, "", 100.5],  # answered at 101.0
        ["worklist", 900.0, "", 101.5],  # sent before the last login answered
        ["worklist", 100.0, "", 102.0],
        ["household", 300.0, "ValueError: 400", 103.0],
    ]
    figures = _bench_load()._figures(records, elapsed=10.0)
    assert figures["requests"] == 5
    assert figures["errors"] == 1
    assert figures["steady"] == {
        "from_second": 2.0,
        "requests": 2,
        "p50_ms": 100.0,
        "p95_ms": 300.0,
        "p99_ms": 300.0,
    }
    assert figures["by_request"]["worklist"]["p95_ms"] == 900.0
    assert figures["failures"] == [{"request": "household", "error": "ValueError: 400", "count": 1}]
