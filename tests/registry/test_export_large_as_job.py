"""Large exports run as a job with progress and a download link that expires; small ones stay
immediate. The file waits encrypted, for its owner only, within the owner's jurisdiction."""

import csv
import io
import os
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from huimin.core.models import AuditEvent, Job
from huimin.registry.bulk import storage
from huimin.registry.bulk.columns import COLUMNS
from huimin.registry.bulk.tasks import EXPORT_KIND
from huimin.registry.models import Relation
from tests.conftest import VILLAGE_A, VILLAGE_B, make_user
from tests.registry.factories import make_household

COLUMN_NAME = [c.key for c in COLUMNS].index("name")


@pytest.fixture
def exporter(regions):
    return make_user("exporter_a", "caseworker", ["532901"])


@pytest.fixture
def caseload(caseworker_a, caseworker_b):
    for n in range(3):
        make_household(caseworker_a, head=f"张{n}", others=(("李梅", Relation.SPOUSE),))
    make_household(caseworker_b, VILLAGE_B, head="张远", others=())


@pytest.fixture(autouse=True)
def var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.EXPORT_INLINE_MAX_ROWS = 4


def export(client, **params):
    return client.get(reverse("registry:export-download"), {"format": "csv", **params})


def rows_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_a_small_export_comes_at_once(client, caseworker_a, caseload):
    client.force_login(caseworker_a)
    response = export(client, q="张1")
    assert response.status_code == 200
    assert len(rows_of(response.content)) == 1 + 2  # header, 张1 and 李梅
    assert not Job.objects.filter(kind=EXPORT_KIND).exists()


def test_a_large_export_runs_as_a_job_and_gives_a_link(
    client, caseworker_a, caseload, django_capture_on_commit_callbacks
):
    client.force_login(caseworker_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = export(client, q="张")
    job = Job.objects.get(kind=EXPORT_KIND)
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:export-result", args=[job.pk])
    job.refresh_from_db()
    assert job.status == "succeeded" and job.done == job.total == 6
    page = client.get(response["Location"]).content.decode()
    assert reverse("registry:export-file", args=[job.pk]) in page
    downloaded = client.get(reverse("registry:export-file", args=[job.pk]))
    body = b"".join(downloaded.streaming_content)
    names = sorted(row[COLUMN_NAME] for row in rows_of(body)[1:])
    assert names == ["张0", "张1", "张2", "李梅", "李梅", "李梅"]  # never the other county's 张远
    stored = job.outcome["export_file"]
    assert stored.endswith(".enc") and "张0".encode() not in open(stored, "rb").read()
    event = AuditEvent.objects.filter(action="registry.export").latest("pk")
    assert event.changes["rows"] == 6 and event.changes["job"] == job.pk


def started(client, django_capture_on_commit_callbacks) -> Job:
    with django_capture_on_commit_callbacks(execute=True):
        export(client, q="张")
    return Job.objects.get(kind=EXPORT_KIND)


def test_the_link_expires(client, caseworker_a, caseload, django_capture_on_commit_callbacks):
    client.force_login(caseworker_a)
    job = started(client, django_capture_on_commit_callbacks)
    url = reverse("registry:export-file", args=[job.pk])
    outcome = {**job.outcome, "expires_at": (timezone.now() - timedelta(seconds=1)).isoformat()}
    Job.objects.filter(pk=job.pk).update(outcome=outcome)
    assert client.get(url).status_code == 404
    page = client.get(reverse("registry:export-result", args=[job.pk])).content.decode()
    assert reverse("registry:export-file", args=[job.pk]) not in page


def test_an_expired_file_is_purged(
    client, caseworker_a, caseload, settings, django_capture_on_commit_callbacks
):
    client.force_login(caseworker_a)
    job = started(client, django_capture_on_commit_callbacks)
    stored = job.outcome["export_file"]
    later = time.time() + settings.EXPORT_FILES_RETENTION_HOURS * 3600 + 1
    assert storage.files_purge(now=later) >= 1
    assert not os.path.exists(stored)
    assert client.get(reverse("registry:export-file", args=[job.pk])).status_code == 404


def test_only_the_owner_downloads_it(
    client, caseworker_a, exporter, caseload, django_capture_on_commit_callbacks
):
    client.force_login(caseworker_a)
    job = started(client, django_capture_on_commit_callbacks)
    client.force_login(exporter)  # same county, another user
    assert client.get(reverse("registry:export-file", args=[job.pk])).status_code == 404
    assert client.get(reverse("registry:export-result", args=[job.pk])).status_code == 404


def test_the_job_exports_the_filters_of_the_search(
    client, caseworker_a, caseload, django_capture_on_commit_callbacks
):
    make_household(caseworker_a, VILLAGE_A, head="王城", others=(), residence_type="urban")
    client.force_login(caseworker_a)
    response = export(client, village="532901", residence_type="urban")
    assert [row[COLUMN_NAME] for row in rows_of(response.content)[1:]] == ["王城"]
    assert not Job.objects.filter(kind=EXPORT_KIND).exists()


def test_any_part_of_the_name_is_exported_as_the_page_found_it(client, caseworker_a):
    make_household(caseworker_a, VILLAGE_A, head="欧阳明", others=())
    make_household(caseworker_a, VILLAGE_A, head="明亮", others=())
    client.force_login(caseworker_a)
    page = client.get("/registry/", {"q": "明", "contains": "on", "township": VILLAGE_A[:9]})
    link = page.context["export"]
    assert "contains=1" in link
    response = client.get(reverse("registry:export-download") + "?" + link + "&format=csv")
    assert sorted(r[COLUMN_NAME] for r in rows_of(response.content)[1:]) == ["明亮", "欧阳明"]
