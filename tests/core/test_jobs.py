from django.urls import reverse

from huimin.core.audit import audit_record
from huimin.core.models import Job, JobStatus
from huimin.core.services import job_create


def test_verifying_the_chain_runs_as_a_job_with_its_outcome(
    client, auditor, django_capture_on_commit_callbacks
):
    client.force_login(auditor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("audit-verify"))
    assert response.status_code == 302
    job = Job.objects.get(owner=auditor, kind="audit.verify")
    assert job.status == JobStatus.SUCCEEDED
    assert job.outcome["intact"] is True
    assert job.outcome["events_checked"] >= 2  # the user's creation and the job's own
    assert job.percent == 100
    assert job.done == job.total
    assert "记录链完整" in job.message  # in the language of the person who started it


def test_the_jobs_page_polls_only_running_jobs(client, caseworker_a):
    running = job_create(owner=caseworker_a, kind="import", title="导入户籍")
    Job.objects.filter(pk=running.pk).update(status=JobStatus.RUNNING, done=25, total=100)
    done = job_create(owner=caseworker_a, kind="import", title="已完成的导入")
    Job.objects.filter(pk=done.pk).update(status=JobStatus.SUCCEEDED)
    client.force_login(caseworker_a)
    page = client.get(reverse("job-list")).content.decode()
    assert page.count('hx-trigger="every 2s"') == 1
    assert 'value="25"' in page
    row = client.get(reverse("job-row", args=[running.pk]))
    assert row.status_code == 200 and "25 / 100" in row.content.decode()


def test_another_users_job_is_not_found(client, caseworker_a, caseworker_b):
    job = job_create(owner=caseworker_b, kind="import", title="乙的任务")
    client.force_login(caseworker_a)
    assert client.get(reverse("job-row", args=[job.pk])).status_code == 404


def test_only_auditors_see_the_audit_trail(client, caseworker_a, auditor, django_db_blocker):
    from django.db import transaction

    with transaction.atomic():
        audit_record(actor=None, action="test.a", region_code="532901001001")
        audit_record(actor=None, action="test.elsewhere", region_code="530102001001")
    client.force_login(caseworker_a)
    assert client.get(reverse("audit-list")).status_code == 403
    client.force_login(auditor)
    page = client.get(reverse("audit-list")).content.decode()
    assert "test.a" in page and "test.elsewhere" not in page
