"""Load benchmark: a township's staff at work at once, through gunicorn, on PostgreSQL.

    .venv/bin/python bench/bench_load.py [--persons 140000] [--users 50] [--duration 60] [--smoke]

The county and the township caseload of bench_casework.py (about 50,000 households, 5,534
entitlements and 300 open applications in the busiest township, written in bulk), then `--users`
staff made with the user services: one county approver and the township's caseworkers, each
with `--applications` applications of their own waiting at the step they may do (the township's
opinion for a caseworker, the decision for the approver). The production server is started as
in production (`huimin-web`: gunicorn with huimin/gunicorn_config.py, HUIMIN_ENV=production
with keys made for the run, its own var folder) on a free port of 127.0.0.1, and Locust
(bench/locustfile.py, headless, `--users` users spawned 10 a second) plays the staff for
`--duration` seconds: each logs in once, then, with 1 to 3 seconds between clicks, opens the
worklist, searches a household by name or number, opens a household, an application, and does
the open step of one of their own applications through its page form (the approver refuses one
on the decision page). Every request is timed by Locust as the client sees it; the figures are
p50/p95/p99 (ms) per kind of request and over all, the same once the last of the staff is
logged in ("steady": a login hashes the password with Argon2, slow on purpose, and fifty of them
in five seconds keep a small server busy for a while), the request and error counts and the
failures, merged into bench/results.json under "load" with the machine's load average (the
figures mean little on a machine shared with other work).

DATABASE_URL picks the PostgreSQL database (default
postgres://postgres@127.0.0.1:5432/huimin_bench_load); its name must contain "bench", and it is
dropped and created afresh (and left there afterwards, to look into: give HUIMIN_SECRET_KEY,
HUIMIN_DATA_KEY and HUIMIN_AUDIT_KEY to be able to read it, else they are made for the run and
lost). HUIMIN_WORKERS sets gunicorn's workers (default: the production config's). --smoke
(`make bench-smoke`) runs 5 users for 10 seconds on a small caseload with two workers, records
nothing; any failed request makes the script exit non-zero.
"""

import argparse
import base64
import datetime as dt
import io
import json
import math
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path

import huimin

BENCH = Path(__file__).resolve().parent
# The checkout: not BENCH's parent when `make bench-smoke` runs a copy of bench/ elsewhere.
PROJECT = Path(huimin.__file__).resolve().parent.parent
sys.path.insert(0, str(BENCH))

import bench_casework  # noqa: E402 - beside this file, found through the path set just above

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/huimin_bench_load"
SPAWN_RATE = 10  # users started a second
SERVER_START_SECONDS = 180  # a loaded machine boots five workers slowly
FAILURES_KEPT = 20
STARTED = time.monotonic()
FULL_PERSONS = 140_000  # the county of the figures: 5,534 recipients


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=FULL_PERSONS)
    parser.add_argument(
        "--recipients", type=int, help="5534 (in proportion below 140,000 persons); 50 with --smoke"
    )
    parser.add_argument(
        "--users", type=int, help="50 (in proportion below 140,000 persons); 5 with --smoke"
    )
    parser.add_argument("--duration", type=int, help="seconds of load: 60; 10 with --smoke")
    parser.add_argument(
        "--applications", type=int, help="open applications of each user's own: 20; 5 with --smoke"
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--smoke", action="store_true", help="small and short; nothing recorded")
    args = parser.parse_args()
    if not args.smoke and args.persons < FULL_PERSONS:
        # a smaller county (`make bench` with BENCH_PERSONS): a caseload and a staff of its size
        share = args.persons / FULL_PERSONS
        if args.recipients is None:
            args.recipients = max(50, round(5534 * share))
        if args.users is None:
            args.users = max(5, round(50 * share))
    # What is not given: the figures, or a small and short run with --smoke.
    for name, full, smoke in (
        ("recipients", 5534, 50),
        ("users", 50, 5),
        ("duration", 60, 10),
        ("applications", 20, 5),
    ):
        if getattr(args, name) is None:
            setattr(args, name, smoke if args.smoke else full)
    open_applications = 20 if args.smoke else bench_casework.OPEN_APPLICATIONS
    if args.users < 2 or args.duration < 1 or args.applications < 1:
        sys.exit(
            "--users must be at least 2 (an approver and a caseworker), --duration and "
            "--applications at least 1"
        )
    # Stopped from outside, it still stops the server and removes its folder (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    scratch = Path(tempfile.mkdtemp(prefix="huimin-bench-load-"))
    try:
        environment = _production_environment(url, scratch)
        os.environ.update(environment)
        bench_casework.database_create(url)
        plan, built = _build(args, open_applications)
        figures = _load(args, environment, plan, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    figures = {**built, **figures}
    if not args.smoke:
        _merge(figures)
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    if figures["errors"]:
        sys.exit(f"{figures['errors']} request(s) failed: {figures['failures']}")


def _say(what: str) -> None:
    """Progress on standard error: the build takes a while at full size."""
    print(f"[{time.monotonic() - STARTED:6.1f} s] {what}", file=sys.stderr, flush=True)


def _production_environment(url: str, scratch: Path) -> dict[str, str]:
    """The settings of a production installation, with keys made for this run only."""
    return {
        "HUIMIN_ENV": "production",
        "HUIMIN_ENV_FILE": "",  # not the developer's .env
        "DJANGO_SETTINGS_MODULE": "huimin.settings",
        "DATABASE_URL": url,
        # Given, they let one open the database afterwards (its personal data is encrypted).
        "HUIMIN_SECRET_KEY": os.environ.get("HUIMIN_SECRET_KEY") or secrets.token_urlsafe(50),
        "HUIMIN_DATA_KEY": os.environ.get("HUIMIN_DATA_KEY")
        or base64.b64encode(secrets.token_bytes(32)).decode(),
        "HUIMIN_AUDIT_KEY": os.environ.get("HUIMIN_AUDIT_KEY") or secrets.token_urlsafe(48),
        "HUIMIN_VAR_DIR": str(scratch / "var"),
        # Collected and compressed once and kept (a minute or more), as the tests' are.
        "HUIMIN_STATIC_ROOT": str(PROJECT / "var" / "bench-static"),
    }


def _static_files_collect() -> None:
    """`collectstatic`, skipped while no source changed."""
    from huimin.core.static_collect import collect_static_if_changed

    collect_static_if_changed()


def _build(args: argparse.Namespace, open_applications: int) -> tuple[dict, dict]:
    """The county, the caseload, the staff and their work: (Locust's plan, what was built)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from huimin.casework.models import Application, StepKind, StepStatus
    from huimin.core import roles
    from huimin.core.roles import sync_roles
    from huimin.core.services import user_create

    _say("migrate")
    call_command("migrate", verbosity=0)
    _say("regions")
    call_command("load_regions", verbosity=0, stdout=io.StringIO())
    _say("static files")
    _static_files_collect()
    _say(f"the county: {args.persons} persons")
    households, township = bench_casework.county_create(args.persons, args.seed)
    area = households.filter(region_code__startswith=township)
    sync_roles()
    _say(f"{args.users} staff")
    accounts = []
    for number in range(args.users):
        approver = number == 0
        password = secrets.token_urlsafe(16)
        user = user_create(
            actor=None,
            username=f"bench_approver_{number}" if approver else f"bench_caseworker_{number}",
            password=password,
            full_name="bench",
            roles=[roles.APPROVER] if approver else [roles.CASEWORKER],
            region_codes=[bench_casework.COUNTY] if approver else [township],
        )
        accounts.append({"user": user, "username": user.username, "password": password})
    caseworkers = [a["user"] for a in accounts[1:]]
    _say("the caseload")
    made = bench_casework.caseload_create(caseworkers[0], area, args.recipients, open_applications)
    free = list(area.filter(applications__isnull=True).values_list("pk", flat=True))
    wanted = args.users * args.applications
    if len(free) < wanted:
        sys.exit(
            f"the township has {len(free)} households without an application, {wanted} needed: "
            "fewer --recipients, --users or --applications, or more --persons"
        )
    random.Random(args.seed).shuffle(free)
    for position, account in enumerate(accounts):
        mine = free[position * args.applications : (position + 1) * args.applications]
        if position == 0:  # prepared by a caseworker, decided by the approver
            account["applications"] = _applications_at(StepKind.DECISION, caseworkers[0], mine)
        else:
            account["applications"] = _applications_at(
                StepKind.TOWNSHIP_OPINION, account["user"], mine
            )
    # Autovacuum analyzes tables after bulk changes (bench_casework says why it matters).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    _say("built")
    plan = {
        "approver": _account(accounts[0]),
        "caseworkers": [_account(a) for a in accounts[1:]],
        "households": _households_sample(area, args.seed),
        "applications": list(
            Application.objects.filter(
                region_code__startswith=township, steps__status=StepStatus.OPEN
            ).values_list("pk", flat=True)
        ),
    }
    built = {
        "persons": args.persons,
        "county_households": households.count(),
        "township": township,
        "township_households": area.count(),
        "recipients": made["recipients"],
        "open_applications": len(plan["applications"]),
    }
    connection.close()  # the server's workers are the database's clients from here on
    return plan, built


def _account(account: dict) -> dict:
    return {k: account[k] for k in ("username", "password", "applications")}


def _households_sample(area, seed: int, size: int = 500) -> list[dict]:  # type: ignore[no-untyped-def]
    """Households of the township to search for and open: id, number, the head's name."""
    from huimin.registry.models import Person

    ids = list(area.values_list("pk", flat=True))
    chosen = random.Random(seed).sample(ids, min(size, len(ids)))
    heads = Person.objects.filter(household_id__in=chosen, relation="head").select_related(
        "household"
    )
    return [
        {"id": p.household_id, "number": p.household.household_no, "name": p.name} for p in heads
    ]


def _applications_at(kind: str, owner, household_ids: list[int]) -> list[int]:  # type: ignore[no-untyped-def]
    """Dibao applications taken and prepared by `owner`, each with `kind` as its open step, the
    steps before it done and those after it waiting: written in bulk, like bench_casework's."""
    from django.utils import timezone

    from huimin.casework import procedure
    from huimin.casework.models import Application, Step, StepStatus
    from huimin.registry.models import Household, Person

    heads = dict(
        Person.objects.filter(household_id__in=household_ids, relation="head").values_list(
            "household_id", "id"
        )
    )
    regions = dict(Household.objects.filter(pk__in=household_ids).values_list("pk", "region_code"))
    applications = Application.objects.bulk_create(
        Application(
            program="dibao",
            household_id=pk,
            applicant_id=heads[pk],
            region_code=regions[pk],
            channel="window",
            statement="bench",
            created_by=owner,
        )
        for pk in household_ids
        if pk in heads
    )
    today, now = timezone.localdate(), timezone.now()
    kinds = [spec.kind for spec in procedure.steps_for("dibao")]
    opened = kinds.index(kind)
    outcomes = {"appraisal": "agree", "township_opinion": "recommend"}
    steps = []
    for application in applications:
        for position, step_kind in enumerate(kinds):
            done, open_ = position < opened, position == opened
            steps.append(
                Step(
                    application=application,
                    position=10 * (position + 1),
                    kind=step_kind,
                    status=StepStatus.DONE
                    if done
                    else StepStatus.OPEN
                    if open_
                    else StepStatus.WAITING,
                    opened_on=today - dt.timedelta(days=30 - 3 * position)
                    if done or open_
                    else None,
                    due_date=today + dt.timedelta(days=5) if open_ else None,
                    done_by=owner if done else None,
                    done_at=now if done else None,
                    outcome=outcomes.get(step_kind, "") if done else "",
                )
            )
    Step.objects.bulk_create(steps, batch_size=2000)
    return [a.pk for a in applications]


def _load(args: argparse.Namespace, environment: dict, plan: dict, scratch: Path) -> dict:
    """Start the server, run Locust against it, stop the server: the figures."""
    plan_file, times_file = scratch / "plan.json", scratch / "times.json"
    plan_file.write_text(json.dumps(plan, ensure_ascii=False))
    plan_file.chmod(0o600)  # the staff's passwords
    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    server_log = scratch / "gunicorn.log"
    bin_dir = Path(sys.executable).parent
    server_environment = {
        **os.environ,
        **environment,
        "HUIMIN_BIND": f"127.0.0.1:{port}",
        "HUIMIN_ACCESS_LOG": str(scratch / "access.log"),
    }
    if args.smoke:  # fewer workers boot sooner; a smoke run only proves every page answers
        server_environment.setdefault("HUIMIN_WORKERS", "2")
    with server_log.open("w") as log:
        server = subprocess.Popen(  # noqa: S603 - our own command
            [str(bin_dir / "huimin-web")],
            env=server_environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=scratch,
        )
    try:
        _wait_for(host, server, server_log)
        _say(f"Locust: {args.users} users for {args.duration} s against {host}")
        started = time.time()
        locust = subprocess.run(  # noqa: S603 - our own command
            [
                str(bin_dir / "locust"),
                "-f",
                str(BENCH / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(SPAWN_RATE),
                "--run-time",
                f"{args.duration}s",
                "--host",
                host,
                "--csv",
                str(scratch / "locust"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            env={
                **os.environ,
                "HUIMIN_LOAD_PLAN": str(plan_file),
                "HUIMIN_LOAD_TIMES": str(times_file),
            },
            capture_output=True,
            text=True,
            timeout=args.duration + 120,
        )
        elapsed = time.time() - started
        if not times_file.exists():
            sys.exit(
                f"Locust recorded nothing (exit {locust.returncode}):\n{locust.stderr[-4000:]}"
            )
        load_average = os.getloadavg()[0]
    except BaseException:
        print(server_log.read_text()[-4000:], file=sys.stderr)
        raise
    finally:
        _stop(server)
    workers = int(server_environment.get("HUIMIN_WORKERS") or _configured_workers())
    records = json.loads(times_file.read_text())
    return {
        "users": args.users,
        "duration_seconds": args.duration,
        "think_seconds": [1, 3],
        "server": {"command": "huimin-web", "workers": workers},
        **_figures(records, elapsed),
        "machine": {"cpus": os.cpu_count(), "load_average_1min": round(load_average, 2)},
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(host: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server stopped (exit {server.returncode}):\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{host}/login/", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"the server did not answer within {SERVER_START_SECONDS} s")


def _stop(server: subprocess.Popen) -> None:
    """Gunicorn's master stops its workers on SIGTERM; killed if it takes too long."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _configured_workers() -> int:
    from huimin import gunicorn_config

    return gunicorn_config.workers


def _figures(records: list[list], elapsed: float) -> dict:
    """Percentiles per kind of request and over all, counts, failures."""
    by_name: dict[str, list[float]] = defaultdict(list)
    errors: Counter[str] = Counter()
    failures: Counter[tuple[str, str]] = Counter()
    for name, milliseconds, error, _sent in records:
        by_name[name].append(milliseconds)
        if error:
            errors[name] += 1
            failures[(name, error)] += 1
    everything = [ms for times in by_name.values() for ms in times]
    # Logging in hashes the password with Argon2, slow on purpose, once a day per person; 50
    # people logging in within five seconds keep the server busy for a while. The steady
    # state is the work asked for once the last of them is in.
    logins = [sent + ms / 1000 for name, ms, _error, sent in records if name == "login"]
    first = min(sent for *_rest, sent in records) if records else 0
    settled = max(logins, default=first)
    steady = [ms for name, ms, _e, sent in records if sent >= settled and name != "login"]
    return {
        "requests": len(records),
        "errors": sum(errors.values()),
        "requests_per_second": round(len(records) / elapsed, 1) if elapsed else 0,
        "overall": _percentiles(everything),
        "steady": {
            "from_second": round(settled - first, 1),
            "requests": len(steady),
            **_percentiles(steady),
        },
        "by_request": {
            name: {**_percentiles(times), "requests": len(times), "errors": errors[name]}
            for name, times in sorted(by_name.items())
        },
        "failures": [
            {"request": name, "error": error, "count": count}
            for (name, error), count in failures.most_common(FAILURES_KEPT)
        ],
    }


def _percentiles(times: list[float]) -> dict:
    ordered = sorted(times)
    if not ordered:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None}

    def rank(share: float) -> float:  # nearest rank
        return round(ordered[max(0, math.ceil(share * len(ordered)) - 1)], 1)

    return {"p50_ms": rank(0.50), "p95_ms": rank(0.95), "p99_ms": rank(0.99)}


def _merge(figures: dict) -> None:
    results = BENCH / "results.json"
    existing = json.loads(results.read_text()) if results.exists() else {}
    existing["load"] = figures
    results.write_text(json.dumps(existing, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
