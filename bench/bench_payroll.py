"""Payroll cycle benchmark: generate with every check, approve and export, against a plain COPY.

    .venv/bin/python bench/bench_payroll.py [--households 10000 | --persons N] [--seed 2026] [--smoke]

A synthetic population is generated into Dali city (532901), or from 200,000 households on into Dali
prefecture (5329), as one county's identity numbers do not stretch that far — and every household gets an active
dibao entitlement (written directly, as the casework procedure would leave it). Then one monthly
cycle is made through the services: generate (chunked), check (every pre-payment check), approve,
export (the rural credit cooperative's fixed-width GBK file). `cycle_seconds` is that whole run.
`copy_seconds` is a plain COPY of the same number of payment lines into the same table in the same
run (the lines just made, copied back as another month's), and `cycle_to_copy_ratio` the quotient.

DATABASE_URL picks the PostgreSQL database (default postgres://postgres@127.0.0.1:5432/
huimin_bench_payroll); it is dropped and created afresh, and its name must contain "bench".
Figures are merged into bench/results.json under "payments", beside bench_payments.py's; --smoke
records nothing.
"""

import argparse
import datetime as dt
import io
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/huimin_bench_payroll"
COUNTY = "532901"
# From LARGE households on, one county's identity numbers run out: the population is spread over
# Dali prefecture, and each household is paid two programs (dibao and, to its head, the disability
# living subsidy, held together) so that 1.5 million people make a million lines.
PREFECTURE = "5329"
LARGE = 200_000
LARGE_PROGRAMS = ["dibao", "disability_living"]
MONTH = dt.date(2026, 12, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--persons", type=int, default=0, help="instead of --households (÷ 3)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--smoke", action="store_true", help="prove it runs; nothing recorded")
    args = parser.parse_args()
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("HUIMIN_ENV", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huimin.settings_test")
    sys.path.insert(0, str(ROOT))
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("the payroll benchmark needs PostgreSQL (COPY)")
    _create_database(url)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_regions", verbosity=0, stdout=io.StringIO())
    households = 300 if args.smoke else (args.persons // 3 or args.households)
    large = households >= LARGE
    figures = run(
        households=households,
        seed=args.seed,
        region=PREFECTURE if large else COUNTY,
        programs=LARGE_PROGRAMS if large else ["dibao"],
    )
    if not args.smoke:
        from bench.bench_payments import merge_into_results

        merge_into_results("payments", figures)
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


def _entitlements(actor, programs: list[str]) -> int:  # noqa: ANN001
    """For each program one approved application, decision and entitlement per household,
    set-based: the first for the household, any other for its head (as the disability
    subsidies are a person's)."""
    from huimin.casework.models import Application, Decision, Entitlement
    from huimin.registry.models import Household, Person

    heads = dict(Person.objects.filter(relation="head").values_list("household_id", "pk"))
    households = list(Household.objects.filter(pk__in=heads).values_list("pk", "region_code"))
    made = 0
    for number, program in enumerate(programs):
        applications = Application.objects.bulk_create(
            [
                Application(
                    program=program,
                    household_id=pk,
                    applicant_id=heads[pk],
                    region_code=region,
                    channel="window",
                    statement="bench",
                    status="approved",
                    created_by=actor,
                )
                for pk, region in households
            ],
            batch_size=2000,
        )
        serial = made
        decisions = Decision.objects.bulk_create(
            [
                Decision(
                    application=a,
                    outcome="approved",
                    period="2026-11",
                    amount_fen=40_000,
                    office_code=a.region_code[:6],
                    office_name="bench",
                    letter_year=2026,
                    letter_serial=serial + i + 1,
                    letter_number=f"bench〔2026〕{serial + i + 1}号",
                    decided_by=actor,
                    decided_on=dt.date(2026, 11, 20),
                )
                for i, a in enumerate(applications)
            ],
            batch_size=2000,
        )
        Entitlement.objects.bulk_create(
            [
                Entitlement(
                    program=program,
                    household_id=a.household_id,
                    person_id=None if number == 0 else a.applicant_id,
                    region_code=a.region_code,
                    decision=d,
                    monthly_fen=30_000 + (i % 200) * 100 if number == 0 else 8_000,
                    start_month=dt.date(2026, 11, 1),
                    snapshot={"computation_en": "bench", "parameters": {"standard": 80_000}},
                )
                for i, (a, d) in enumerate(zip(applications, decisions, strict=True))
            ],
            batch_size=2000,
        )
        made += len(decisions)
    return made


def _reconcile(finance, cycle, seed: int) -> tuple[float, dict]:  # noqa: ANN001
    """Time applying the bank's return of the cycle's file (its clear lines) via the service."""
    from bench.bench_payments import return_rows
    from huimin.payments import services
    from huimin.payments.banking.export import CycleInfo
    from huimin.payments.banking.layouts import layout_get
    from huimin.payments.banking.simulate import return_file_simulate

    info = CycleInfo(
        region=cycle.region_code, month=f"{cycle.month:%Y-%m}", sequence=1, bank="BANK"
    )
    sent = services._bank_frame(cycle, with_id_numbers=False)
    name, content = return_file_simulate(
        layout_get("rcc_fixed_gbk"), return_rows(sent, seed), cycle=info
    )
    mark = time.perf_counter()
    record = services.return_apply(
        actor=finance, cycle=cycle, content=content, file_name=name, apply="clear"
    )
    return time.perf_counter() - mark, record.counts


def run(
    *, households: int, seed: int, region: str = COUNTY, programs: list[str] | None = None
) -> dict:
    programs = programs or ["dibao"]
    from django.db import connection

    from huimin.core import roles
    from huimin.core.roles import sync_roles
    from huimin.core.services import user_create
    from huimin.payments import services
    from huimin.payments.lines_bulk import month_partition_ensure
    from huimin.payments.models import PaymentException, PayrollCycle
    from huimin.registry.bulk.services import registry_generate

    registry_generate(region=region, persons=households * 3, seed=seed)
    sync_roles()
    finance = user_create(
        actor=None,
        username="bench_finance",
        password="x" * 20,
        roles=[roles.FINANCE],
        region_codes=[region],
    )
    approver = user_create(
        actor=None,
        username="bench_approver",
        password="x" * 20,
        roles=[roles.APPROVER],
        region_codes=[region],
    )
    entitlements = _entitlements(finance, programs)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    for program in programs:
        services.allocation_create(
            actor=finance,
            program=program,
            region_code=region,
            year=2026,
            central_fen=10**12,
            provincial_fen=0,
            local_fen=0,
        )
    stages: dict[str, float] = {}
    started = time.perf_counter()
    cycle = services.cycle_create(actor=finance, region_code=region, month=MONTH, programs=programs)
    cycle = services.cycle_generate(actor=finance, cycle=cycle, chunk_size=5000)
    stages["generate_seconds"] = time.perf_counter() - started
    mark = time.perf_counter()
    cycle = services.cycle_check(actor=finance, cycle=cycle)
    stages["check_seconds"] = time.perf_counter() - mark
    exceptions = PaymentException.objects.filter(cycle=cycle).count()
    for exception in PaymentException.objects.filter(cycle=cycle).iterator():
        services.exception_decide(
            actor=finance, exception=exception, outcome="resolved", reason="bench"
        )
    mark = time.perf_counter()
    cycle = services.cycle_approve(actor=approver, cycle=cycle)
    stages["approve_seconds"] = time.perf_counter() - mark
    mark = time.perf_counter()
    bank_file = services.cycle_export(actor=finance, cycle=cycle, layout_key="rcc_fixed_gbk")
    stages["cycle_export_seconds"] = time.perf_counter() - mark
    # Deciding the exceptions is people's work, between the stages: not timed.
    cycle_seconds = sum(stages.values())
    reconcile_seconds, return_counts = _reconcile(finance, cycle, seed)

    # The same lines, COPYed back as another cycle's: the floor any generation could reach.
    other = PayrollCycle.objects.create(
        region_code=region, month=dt.date(2027, 1, 1), programs=programs, prepared_by=finance
    )
    month_partition_ensure(other.month)  # a month's table of its own, as the cycle's lines have
    columns = (
        "cycle_id, kind, entitlement_id, month, purpose_key, program, household_id, payee_id, "
        "collector, region_code, amount_fen, channel, status, outcome, reason, frozen, "
        "frozen_hash, created_at"
    )
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        select = columns.replace("cycle_id", f"{other.pk}", 1).replace(
            " month,", " DATE '2027-01-01',", 1
        )
        with cursor.cursor.copy(
            # ids only, from the database itself: nothing outside reaches this text
            f"COPY (SELECT {select} FROM payments_paymentline WHERE cycle_id = {cycle.pk}) "  # noqa: S608
            "TO STDOUT"
        ) as copy:
            for data in copy:
                buffer.write(data)
    mark = time.perf_counter()
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY payments_paymentline ({columns}) FROM STDIN") as copy:
            copy.write(buffer.getvalue())
    copy_seconds = time.perf_counter() - mark
    return {
        "payroll_command": f"bench/bench_payroll.py --households {households} --seed {seed}",
        "payroll_region": region,
        "payroll_programs": programs,
        "payroll_entitlements": entitlements,
        "payroll_lines": cycle.line_count,
        "payroll_exceptions": exceptions,
        "cycle_seconds": round(cycle_seconds, 3),
        "copy_seconds": round(copy_seconds, 3),
        "cycle_to_copy_ratio": round(cycle_seconds / copy_seconds, 1) if copy_seconds else None,
        "cycle_stages": {k: round(v, 3) for k, v in stages.items()},
        "payroll_bank_file_lines": bank_file.count,
        # The bank's return for that file (mostly paid, some refused, some unclear), read,
        # classified and applied through the service, its clear lines only.
        "payroll_reconcile_seconds": round(reconcile_seconds, 3),
        "payroll_return_classes": return_counts,
        # The load says whether other work shared the cores while this ran.
        "payroll_machine": {
            "cpus": os.cpu_count(),
            "load_average_1min": round(os.getloadavg()[0], 2),
        },
    }


if __name__ == "__main__":
    main()
