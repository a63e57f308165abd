"""Import files on disk: encrypted, private, deleted when done or when their time is up."""

import contextlib
import io
import os
import stat
import time

import pytest
from django.core.management import call_command
from django.urls import reverse

from huimin.core.models import Job
from huimin.registry.bulk import storage, views
from huimin.registry.models import Household
from tests.registry.test_import_dry_run import (
    csv_file,
    in_english,  # noqa: F401 - autouse fixture
)
from tests.registry.test_import_modes import a_bad_household, a_good_household


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


@pytest.fixture(params=["small", "job-sized"])
def size(request, monkeypatch, django_capture_on_commit_callbacks):
    """Small files are checked in the request; larger ones go to the worker as a job."""
    if request.param == "job-sized":
        monkeypatch.setattr(views, "INLINE_MAX_BYTES", 0)
        # The job is enqueued once its record commits; the test backend then runs it at once.
        return lambda: django_capture_on_commit_callbacks(execute=True)
    return contextlib.nullcontext


def post_upload(client, path, size) -> Job:
    with size(), path.open("rb") as handle:
        response = client.post(reverse("registry:import"), {"file": handle})
    assert response.status_code == 302
    return Job.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def post_apply(client, job: Job, mode: str, size) -> Job:
    with size():
        response = client.post(reverse("registry:import-apply", args=[job.pk]), {"mode": mode})
    assert response.status_code == 302
    return Job.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def files_under(directory):
    return [p for p in directory.rglob("*") if p.is_file()]


def assert_no_identity_number_in_clear(var_dir, rows) -> None:
    numbers = [row["id_number"].encode() for row in rows]
    for path in files_under(var_dir):
        content = path.read_bytes()
        assert not any(n in content for n in numbers), f"{path} holds an identity number"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, f"{path} is readable by others"


@pytest.mark.parametrize("mode", ["check", "all", "valid"])
def test_no_identity_number_is_left_in_clear_after_an_import(
    client, caseworker_a, var_dir, tmp_path, size, mode
):
    rows = a_good_household() + (a_bad_household() if mode == "valid" else [])
    client.force_login(caseworker_a)
    job = post_upload(client, csv_file(tmp_path, rows), size)
    assert job.status == "succeeded", job.message
    assert bool(job.task_id) == (size is not contextlib.nullcontext)  # ran as a job, or inline
    assert_no_identity_number_in_clear(var_dir, rows)
    if mode != "check":
        job = post_apply(client, job, mode, size)
        assert job.status == "succeeded", job.message
        assert Household.objects.exists()
    assert_no_identity_number_in_clear(var_dir, rows)
    assert stat.S_IMODE((var_dir / "uploads").stat().st_mode) == 0o700
    assert not files_under(var_dir / "tmp"), "the clear copy is removed when the job ends"
    if mode != "check":
        kept = {p.name for p in files_under(var_dir / "uploads")}
        assert all("rejected" in name for name in kept), "an imported upload is deleted"


def test_the_rejected_rows_are_served_in_clear_to_their_owner_only(
    client, caseworker_a, caseworker_b, var_dir, tmp_path
):
    bad = a_bad_household()
    client.force_login(caseworker_a)
    job = post_upload(client, csv_file(tmp_path, a_good_household() + bad), contextlib.nullcontext)
    url = reverse("registry:import-rejected", args=[job.pk])
    text = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    assert bad[1]["id_number"] in text
    client.force_login(caseworker_b)
    assert client.get(url).status_code == 404


def test_files_expire_after_the_retention_period(client, caseworker_a, var_dir, tmp_path, settings):
    settings.IMPORT_FILES_RETENTION_DAYS = 7
    client.force_login(caseworker_a)
    rows = a_good_household() + a_bad_household()
    job = post_upload(client, csv_file(tmp_path, rows), contextlib.nullcontext)
    stored = files_under(var_dir / "uploads")
    assert len(stored) == 2  # the upload, waiting to be imported, and its rejected rows
    eight_days_ago = time.time() - 8 * 86400
    for path in stored:
        os.utime(path, (eight_days_ago, eight_days_ago))
    assert client.get(reverse("registry:import-rejected", args=[job.pk])).status_code == 404
    response = client.post(reverse("registry:import-apply", args=[job.pk]), {"mode": "valid"})
    assert response.url == reverse("registry:import")
    assert storage.files_purge() == 2
    assert not files_under(var_dir / "uploads")


def test_a_file_cut_short_or_left_in_clear_is_refused(var_dir):
    sealed = storage.upload_save([b"x" * (storage.SEGMENT_BYTES + 10)], file_format="csv")
    assert storage.read_sealed(sealed) == b"x" * (storage.SEGMENT_BYTES + 10)
    sealed.write_bytes(sealed.read_bytes()[: storage.SEGMENT_BYTES])
    with pytest.raises(storage.FileGone):
        storage.read_sealed(sealed)
    clear = storage.uploads_dir() / "old.csv"
    clear.write_text("532901198005170011")
    with pytest.raises(storage.FileGone):
        storage.read_sealed(clear)
    assert storage.files_purge() == 1  # the clear file of an older version; the other is current


def test_the_purge_command_deletes_expired_files(var_dir):
    sealed = storage.upload_save([b"532901198005170011"], file_format="csv")
    long_ago = time.time() - 30 * 86400
    os.utime(sealed, (long_ago, long_ago))
    out = io.StringIO()
    call_command("purge_import_files", stdout=out)
    assert not sealed.exists() and "1 removed" in out.getvalue()
