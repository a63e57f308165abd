"""A worker killed with SIGKILL in the middle of an import: the job says so, and starts again.

A real `huimin worker` process runs the jobs on the database backend against the test database
(PostgreSQL: the worker is another process, so it needs a database both can reach). To kill it at a
known point, the test holds a SHARE lock on the household table: the worker checks the file, reports
"writing" at half the rows, and then waits for the lock at its first insert. It is killed there.
"""

import csv
import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from stdnum.cn import ric

from huimin.core.models import Job, JobStatus
from huimin.registry.bulk.columns import COLUMNS
from huimin.registry.models import Household, Person
from tests.conftest import VILLAGE_A, requires_postgres

pytestmark = [requires_postgres, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROWS = 4000  # about 1 MB: above the size checked inside the request, so the worker runs it
WAIT_SECONDS = 120  # an upper bound for the worker to get somewhere, not a measured time


def import_file(path: Path) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[c.key for c in COLUMNS])
    writer.writeheader()
    for n in range(ROWS):
        body = f"532901{date(1950, 1, 1) + timedelta(days=n // 400):%Y%m%d}{(n % 400) * 2 + 1:03d}"
        writer.writerow(
            {
                "household_no": f"HH-{n:05d}",
                "village_code": VILLAGE_A,
                "address": f"下关街道建设路{n}号",
                "residence_type": "农村",
                "relation": "户主",
                "name": "王大山",
                "id_number": body + ric.calc_check_digit(body + "0"),
                "income_wages": "1200.50",
            }
        )
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def database_url() -> str:
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def start_worker(
    tmp_path, settings, on_the_database_backend
) -> Iterator[Callable[[], subprocess.Popen]]:
    """Start `huimin worker` processes on the database backend; stop any left at the end."""
    env = {
        **os.environ,
        "HUIMIN_ENV": "test",
        "HUIMIN_TASKS": "database",
        "DATABASE_URL": database_url(),
        "HUIMIN_VAR_DIR": str(settings.VAR_DIR),
        "HUIMIN_DB_CONN_MAX_AGE": "0",
    }
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        log = (tmp_path / f"worker-{len(started)}.log").open("wb")
        command = [str(Path(sys.executable).with_name("huimin")), "worker"]
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait()


@pytest.fixture
def on_the_database_backend(settings, tmp_path) -> None:
    settings.VAR_DIR = tmp_path / "var"
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def wait_for(what: str, condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, f"the worker never got to: {what}"
        time.sleep(0.2)


def job_state(job_id: int) -> Job:
    return Job.objects.get(pk=job_id)


def test_a_job_whose_worker_was_killed_says_so_and_starts_again(
    client, caseworker_a, on_the_database_backend, start_worker, tmp_path
):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the starter's language, not the default
    client.force_login(caseworker_a)
    worker = start_worker()

    with import_file(tmp_path / "people.csv").open("rb") as upload:
        checked_url = client.post(reverse("registry:import"), {"file": upload}).url
    checked = int(checked_url.rstrip("/").split("/")[-1])
    wait_for("the dry run", lambda: job_state(checked).status == JobStatus.SUCCEEDED)

    with psycopg.connect(database_url().replace("postgres://", "postgresql://", 1)) as blocker:
        blocker.execute("LOCK TABLE registry_household IN SHARE MODE")  # reads pass, writes wait
        applied_url = client.post(
            reverse("registry:import-apply", args=[checked]), {"mode": "valid"}
        ).url
        job_id = int(applied_url.rstrip("/").split("/")[-1])
        wait_for("writing", lambda: job_state(job_id).done == ROWS // 2)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        blocker.rollback()
        # Queue behind the dead worker's insert: its transaction must be rolled back first.
        blocker.execute("LOCK TABLE registry_household IN ACCESS EXCLUSIVE MODE")
        blocker.rollback()

    job = job_state(job_id)
    assert (job.status, job.done, job.total) == (JobStatus.RUNNING, ROWS // 2, ROWS)
    assert job.lease_expires_at > timezone.now(), "progress holds a lease"
    assert not Household.objects.exists() and not Person.objects.exists(), "nothing half-written"
    assert b'hx-trigger="every 2s"' in client.get(reverse("job-list")).content  # still leased

    # Time passes and nothing renews the lease: it lapses.
    Job.objects.filter(pk=job_id).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    worker = start_worker()  # finds the lapsed lease at start-up
    wait_for("marking it interrupted", lambda: job_state(job_id).status == JobStatus.INTERRUPTED)

    job = job_state(job_id)
    assert job.message.startswith(f"Interrupted at {ROWS // 2} / {ROWS}"), job.message
    page = client.get(reverse("job-list")).content.decode()
    assert job.message in page and reverse("job-retry", args=[job_id]) in page

    assert client.post(reverse("job-retry", args=[job_id])).status_code == 302
    wait_for("the import run again", lambda: job_state(job_id).status == JobStatus.SUCCEEDED)
    job = job_state(job_id)
    assert job.outcome["written"]["persons_created"] == ROWS, job.outcome
    assert Person.objects.count() == ROWS and Household.objects.count() == ROWS
    assert "persons and" in job.message  # the import's own summary, in English
