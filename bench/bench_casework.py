"""Casework benchmark: the caseworker's worklist with a real caseload.

    .venv/bin/python bench/bench_casework.py [--persons 140000] [--recipients 5534]

A synthetic population for one county (532901, about 50,000 households at the default size),
then, in one township, `--recipients` approved dibao entitlements and a few hundred applications
at open steps with due dates spread over two months. The rows are written in bulk (bench data,
not the demo's: no audit events). The worklist page is then asked for `--runs` times as that
township's caseworker, after ANALYZE (as autovacuum would have run after such a load); p50/p95
of the whole request (middleware, query, template) and its query count are the figures, and the
same for the first five pages of "my recipients" (50 a page), merged into bench/results.json
under "casework".

DATABASE_URL picks the PostgreSQL database (default
postgres://postgres@127.0.0.1:5432/huimin_bench_casework); its name must contain "bench", and it
is dropped and created afresh. --smoke prints the figures without recording them.
"""

import argparse
import datetime as dt
import io
import json
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/huimin_bench_casework"
COUNTY = "532901"
OPEN_APPLICATIONS = 300


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=140_000)
    parser.add_argument("--recipients", type=int, default=5534)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--smoke", action="store_true", help="figures printed, not recorded")
    args = parser.parse_args()
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("HUIMIN_ENV", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huimin.settings_test")
    sys.path.insert(0, str(ROOT))
    database_create(url)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_regions", verbosity=0, stdout=io.StringIO())
    call_command("collectstatic", verbosity=0, interactive=False)
    figures = run(args.persons, args.recipients, args.runs, args.seed)
    if not args.smoke:
        _merge(figures)
    print(json.dumps(figures, indent=2, ensure_ascii=False))


def database_create(url: str) -> None:
    """Drop and create the benchmark's database afresh (only one whose name has 'bench')."""
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


def run(persons: int, recipients: int, runs: int, seed: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from huimin.core import roles
    from huimin.core.roles import sync_roles
    from huimin.core.services import user_create

    households, township = county_create(persons, seed)
    sync_roles()
    caseworker = user_create(
        actor=None,
        username="bench_caseworker",
        password=secrets.token_urlsafe(16),  # never logged in with: the client is forced in
        full_name="bench",
        roles=[roles.CASEWORKER],
        region_codes=[township],
    )
    made = caseload_create(
        caseworker, households.filter(region_code__startswith=township), recipients
    )
    # Autovacuum analyzes tables after bulk changes; without statistics the planner thinks the
    # casework tables empty and nests loops over every application (seconds, not milliseconds).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(caseworker)
    client.get("/casework/")  # warm: templates, translations, the session
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get("/casework/")
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code  # noqa: S101 - a bench check
    with CaptureQueriesContext(connection) as queries:
        client.get("/casework/")
    timings.sort()
    client.get("/casework/recipients/")  # warm
    listed = []
    for number in range(runs):  # the first pages, as a caseworker leafs through them
        started = time.perf_counter()
        response = client.get(f"/casework/recipients/?page={number % 5 + 1}")
        listed.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code  # noqa: S101 - a bench check
    with CaptureQueriesContext(connection) as recipient_queries:
        client.get("/casework/recipients/")
    listed.sort()
    return {
        "persons": persons,
        "county_households": households.count(),
        "township": township,
        "township_households": households.filter(region_code__startswith=township).count(),
        "recipients": made["recipients"],
        "open_steps": made["open_steps"],
        "runs": runs,
        "worklist_p50_ms": round(statistics.median(timings), 1),
        "worklist_p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 1),
        "worklist_queries": len(queries),
        "recipients_p50_ms": round(statistics.median(listed), 1),
        "recipients_p95_ms": round(listed[max(0, int(len(listed) * 0.95) - 1)], 1),
        "recipients_queries": len(recipient_queries),
        "database": connection.vendor,
    }


def county_create(persons: int, seed: int):  # type: ignore[no-untyped-def]
    """The county's synthetic population; (its households, the busiest township's code)."""
    from django.db.models import Count
    from django.db.models.functions import Substr

    from huimin.registry.bulk.services import registry_generate
    from huimin.registry.models import Household

    registry_generate(region=COUNTY, persons=persons, seed=seed)
    households = Household.objects.filter(region_code__startswith=COUNTY)
    by_township = (
        households.annotate(township=Substr("region_code", 1, 9))
        .values("township")
        .annotate(n=Count("id"))
        .order_by("-n", "township")
    )
    return households, by_township[0]["township"]  # the busiest: the caseload


def caseload_create(  # type: ignore[no-untyped-def]
    caseworker, households, recipients: int, open_applications: int = OPEN_APPLICATIONS
) -> dict:
    """Approved dibao entitlements and open applications, written in bulk."""
    from django.utils import timezone

    from huimin.casework.models import (
        Application,
        ApplicationStatus,
        Decision,
        Entitlement,
        LetterSequence,
        Step,
        StepKind,
        StepStatus,
    )
    from huimin.registry.models import Person

    heads = dict(
        Person.objects.filter(household__in=households, relation="head").values_list(
            "household_id", "id"
        )
    )
    chosen = list(households.filter(pk__in=list(heads)).values_list("pk", "region_code"))
    approved, waiting = chosen[:recipients], chosen[recipients : recipients + open_applications]
    today = timezone.localdate()
    applications = Application.objects.bulk_create(
        [
            Application(
                program="dibao",
                household_id=pk,
                applicant_id=heads[pk],
                region_code=code,
                channel="window",
                statement="bench",
                status=ApplicationStatus.APPROVED,
                created_by=caseworker,
            )
            for pk, code in approved
        ],
        batch_size=2000,
    )
    decisions = Decision.objects.bulk_create(
        [
            Decision(
                application=a,
                outcome="approved",
                period=today.strftime("%Y-%m"),
                amount_fen=54_000,
                explanation={},
                office_code=COUNTY,
                office_name="bench",
                letter_year=today.year,
                letter_serial=i + 1,
                letter_number=f"bench〔{today.year}〕{i + 1}号",
                decided_by=caseworker,
                decided_on=today,
            )
            for i, a in enumerate(applications)
        ],
        batch_size=2000,
    )
    # The county's letter numbers go on from the last one written here, as after real decisions.
    LetterSequence.objects.create(office_code=COUNTY, year=today.year, last=len(decisions))
    Entitlement.objects.bulk_create(
        [
            Entitlement(
                program="dibao",
                household_id=a.household_id,
                region_code=a.region_code,
                decision=d,
                monthly_fen=54_000,
                start_month=today.replace(day=1),
                review_due=today + dt.timedelta(days=i % 365),
                snapshot={},
            )
            for i, (a, d) in enumerate(zip(applications, decisions, strict=True))
        ],
        batch_size=2000,
    )
    opened = Application.objects.bulk_create(
        [
            Application(
                program="dibao",
                household_id=pk,
                applicant_id=heads[pk],
                region_code=code,
                channel="window",
                statement="bench",
                created_by=caseworker,
            )
            for pk, code in waiting
        ]
    )
    kinds = [StepKind.VERIFICATION, StepKind.HOME_VISIT, StepKind.APPRAISAL, StepKind.DECISION]
    Step.objects.bulk_create(
        [
            Step(
                application=a,
                position=10,
                kind=kinds[i % len(kinds)],
                status=StepStatus.OPEN,
                opened_on=today - dt.timedelta(days=20),
                due_date=today + dt.timedelta(days=(i % 60) - 20),
            )
            for i, a in enumerate(opened)
        ]
    )
    return {"recipients": len(applications), "open_steps": len(opened)}


def _merge(figures: dict) -> None:
    results = ROOT / "bench" / "results.json"
    existing = json.loads(results.read_text()) if results.exists() else {}
    existing["casework"] = figures
    results.write_text(json.dumps(existing, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
