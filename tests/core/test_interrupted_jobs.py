"""A job whose worker died is found by its lapsed lease, said so, and can be started again.

The real thing (a worker process killed with SIGKILL in the middle of an import) is in
test_it_survives_a_dead_worker.py; here the lease is made to lapse by moving it into the past.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from huimin.core.models import AuditEvent, Job, JobStatus
from huimin.core.services import job_create, job_interrupt_lapsed, job_progress

# session, user, its permissions (the menu), the lapsed-lease check, the count, the page of jobs
QUERIES_OF_THE_JOBS_PAGE = 7


@pytest.fixture
def interrupted_check(client, auditor, django_capture_on_commit_callbacks) -> Job:
    """An audit-chain check started in Chinese whose worker vanished halfway."""
    client.force_login(auditor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("audit-verify"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    job = Job.objects.get(owner=auditor, kind="audit.verify")
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        done=1,
        total=4,
        finished_at=None,
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )
    return job


def test_it_renews_the_lease_with_each_progress_report(caseworker_a, settings):
    settings.HUIMIN_JOB_LEASE_SECONDS = 90
    job = job_create(owner=caseworker_a, kind="sample", title="长任务")
    before = timezone.now()
    job_progress(job_id=job.pk, done=5, total=10)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
    assert before + timedelta(seconds=90) <= job.lease_expires_at
    assert job.lease_expires_at <= timezone.now() + timedelta(seconds=90)


def test_a_running_job_with_a_valid_lease_is_left_alone(caseworker_a):
    job = job_create(owner=caseworker_a, kind="sample", title="长任务")
    job_progress(job_id=job.pk, done=5, total=10)
    assert job_interrupt_lapsed() == 0
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING


def test_the_jobs_page_marks_a_lapsed_job_interrupted_in_its_starters_language(
    client, interrupted_check
):
    page = client.get(reverse("job-list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    job = Job.objects.get(pk=interrupted_check.pk)
    assert job.status == JobStatus.INTERRUPTED
    assert "1 / 4" in job.message and "中断" in job.message  # Chinese: the starter's language
    assert job.message in page
    assert f'action="{reverse("job-retry", args=[job.pk])}"' in page
    assert 'hx-trigger="every 2s"' not in page  # no longer polled
    assert AuditEvent.objects.filter(action="job.interrupt", object_id=str(job.pk)).exists()


def test_the_polled_row_and_the_api_find_it_too(client, auditor, interrupted_check):
    row = client.get(reverse("job-row", args=[interrupted_check.pk])).content.decode()
    assert "status-interrupted" in row
    Job.objects.filter(pk=interrupted_check.pk).update(
        status=JobStatus.RUNNING, lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    answer = client.get(f"/api/v1/jobs/{interrupted_check.pk}").json()
    assert answer["status"] == "interrupted" and answer["can_retry"] is True


def test_its_owner_starts_it_again_with_one_click(
    client, interrupted_check, django_capture_on_commit_callbacks
):
    client.get(reverse("job-list"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("job-retry", args=[interrupted_check.pk]))
    assert response.status_code == 302
    job = Job.objects.get(pk=interrupted_check.pk)
    assert job.status == JobStatus.SUCCEEDED
    assert job.outcome["intact"] is True
    assert "记录链完整" in job.message  # run again with its own arguments (its language too)
    assert AuditEvent.objects.filter(action="job.retry", object_id=str(job.pk)).exists()


def test_only_an_interrupted_job_of_ones_own_can_be_started_again(
    client, caseworker_a, interrupted_check
):
    done = job_create(owner=interrupted_check.owner, kind="sample", title="完成")
    Job.objects.filter(pk=done.pk).update(status=JobStatus.SUCCEEDED)
    client.get(reverse("job-list"))
    client.post(reverse("job-retry", args=[done.pk]))
    assert Job.objects.get(pk=done.pk).status == JobStatus.SUCCEEDED
    client.force_login(caseworker_a)
    assert client.post(reverse("job-retry", args=[interrupted_check.pk])).status_code == 404
    assert Job.objects.get(pk=interrupted_check.pk).status == JobStatus.INTERRUPTED


def test_looking_for_lapsed_leases_costs_the_jobs_page_the_same_whatever_the_number_of_jobs(
    client, caseworker_a, django_assert_num_queries
):
    for n in range(5):
        job = job_create(owner=caseworker_a, kind="sample", title=f"任务{n}")
        job_progress(job_id=job.pk, done=n, total=10)
    client.force_login(caseworker_a)
    client.get(reverse("job-list"))  # the session and the user are loaded once
    with django_assert_num_queries(QUERIES_OF_THE_JOBS_PAGE):
        client.get(reverse("job-list"))
    for n in range(5, 25):
        job = job_create(owner=caseworker_a, kind="sample", title=f"任务{n}")
        job_progress(job_id=job.pk, done=n, total=30)
    with django_assert_num_queries(QUERIES_OF_THE_JOBS_PAGE):
        client.get(reverse("job-list"))
