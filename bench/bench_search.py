"""Search benchmark: one search page at 50,000 households in the user's jurisdiction.

    .venv/bin/python bench/bench_search.py [--households 50000] [--runs 30] [--smoke]

A synthetic population is generated into Dali city (532901) only, so every household is in the
jurisdiction of a caseworker of that county; then the search page is asked, through Django's test
client with a signed-in session (middleware, templates and all), for the heaviest pages a clerk
can ask for: every household of the county with a filter (count, pinyin sort of all of them,
members), a late page of it, one township, a surname, and a masked number with a name.
Each case runs `--runs` times after one warm-up; the figures are the page time's median and 95th
percentile over all cases and runs, and the page's query count (the same for every run).

DATABASE_URL picks the PostgreSQL database (default postgres://postgres@127.0.0.1:5432/
huimin_bench_search); it is dropped and created afresh, and its name must contain "bench".
Figures are merged into bench/results.json under "search"; --smoke (a small population, as
`make bench-smoke` runs it) records nothing.
"""

import argparse
import io
import json
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/huimin_bench_search"
COUNTY = "532901"
# The synthetic households average about three people.
PERSONS_PER_HOUSEHOLD = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--persons", type=int, default=0, help="instead of --households")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--smoke", action="store_true", help="prove it runs; nothing recorded")
    args = parser.parse_args()
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("HUIMIN_ENV", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huimin.settings_test")
    sys.path.insert(0, str(ROOT))
    if url.startswith(("postgres://", "postgresql://")):
        _create_database(url)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_regions", verbosity=0, stdout=io.StringIO())
    persons = args.persons or args.households * PERSONS_PER_HOUSEHOLD
    runs = 3 if args.smoke else args.runs
    figures = run(persons=persons, seed=args.seed, runs=runs)
    if not args.smoke:
        _merge(figures)
    print(json.dumps(figures, indent=2, ensure_ascii=False))


def _create_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    if "bench" not in name:
        sys.exit(
            f"refusing to drop and recreate {name!r}: the benchmark database's name has 'bench'"
        )
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def run(*, persons: int, seed: int, runs: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from huimin.core import roles
    from huimin.core.pii import mask
    from huimin.core.roles import sync_roles
    from huimin.core.services import user_create
    from huimin.registry.bulk.services import registry_generate
    from huimin.registry.models import Household, Person

    started = time.perf_counter()
    registry_generate(region=COUNTY, persons=persons, seed=seed)
    generate_seconds = round(time.perf_counter() - started, 1)
    if connection.vendor == "postgresql":
        # What autovacuum does soon after a load: statistics, and the visibility map that lets
        # the planner read an index alone.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    households = Household.objects.filter(region_code__startswith=COUNTY).count()
    sync_roles()
    user = user_create(
        actor=None,
        username="bench_search",
        password=secrets.token_urlsafe(16),  # signed in with force_login, never typed
        full_name="bench",
        roles=[roles.CASEWORKER],
        region_codes=[COUNTY],
    )
    someone = Person.objects.filter(household__region_code__startswith=COUNTY).order_by("pk")[
        persons // 2
    ]
    township = someone.household.region_code[:9]
    surname = someone.name[0]
    cases = {
        "county_rural_first_page": {"residence_type": "rural"},
        "county_rural_page_100": {"residence_type": "rural", "page": "100"},
        "county_any_disability": {"disability": "any"},
        "township": {"township": township},
        "surname": {"q": surname},
        "masked_number_and_name": {"q": f"{mask(someone.id_number)} {someone.name}"},
    }
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "zh-hans"
    times: list[float] = []
    by_case: dict[str, dict] = {}
    queries = 0
    for name, params in cases.items():
        response = client.get("/registry/", params)  # warm-up
        assert response.status_code == 200, (name, response.status_code)
        with CaptureQueriesContext(connection) as captured:
            client.get("/registry/", params)
        # Counted now: the next request empties the connection's query log.
        case_queries = len(captured)
        queries = max(queries, case_queries)
        case_times = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get("/registry/", params)
            case_times.append((time.perf_counter() - started) * 1000)
        times += case_times
        by_case[name] = {
            "ms_p50": round(statistics.median(case_times), 1),
            "ms_max": round(max(case_times), 1),
            "queries": case_queries,
        }
    return {
        "households": households,
        "persons": Person.objects.filter(household__region_code__startswith=COUNTY).count(),
        "database": connection.vendor,
        "page_ms_p50": round(statistics.median(times), 1),
        "page_ms_p95": round(_percentile(times, 95), 1),
        "queries": queries,
        "runs_per_case": runs,
        "generate_seconds": generate_seconds,
        "cases": by_case,
        # The load says whether other work shared the cores while this ran.
        "machine": {"cpus": os.cpu_count(), "load_average_1min": round(os.getloadavg()[0], 2)},
    }


def _percentile(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(percent / 100 * len(ordered)) - 1))
    return ordered[index]


def _merge(figures: dict) -> None:
    results = ROOT / "bench" / "results.json"
    existing = json.loads(results.read_text()) if results.exists() else {}
    existing["search"] = figures
    results.write_text(json.dumps(existing, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
