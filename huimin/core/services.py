"""Every write core makes: users, API tokens, jobs, and reveals of personal data."""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import F, Model
from django.db.models.functions import Greatest
from django.http import Http404, HttpRequest
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks.base import Task

from huimin.core import access
from huimin.core.audit import audit_record
from huimin.core.errors import NotAllowed, NotAuthenticated, ValidationFailed
from huimin.core.models import ApiToken, Job, JobStatus, Region, User
from huimin.core.regions import common_ancestor
from huimin.core.roles import ROLE_LABELS

TOKEN_BYTES = 32
READ_METHODS = ("GET", "HEAD", "OPTIONS")
LAST_USED_EVERY = timedelta(minutes=1)


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    full_name: str = "",
    roles: Iterable[str] = (),
    region_codes: Iterable[str] = (),
    is_superuser: bool = False,
) -> User:
    roles, region_codes = list(roles), list(region_codes)
    unknown = sorted(set(roles) - set(ROLE_LABELS))
    if unknown:
        raise ValidationFailed(f"unknown role(s): {', '.join(unknown)}", field="roles")
    regions = list(Region.objects.filter(code__in=region_codes))
    missing = sorted(set(region_codes) - {r.code for r in regions})
    if missing:
        raise ValidationFailed(f"unknown region code(s): {', '.join(missing)}", field="regions")
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(f"the user name “{username}” is taken", field="username")
    user = User.objects.create_user(
        username=username,
        password=password,
        full_name=full_name,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    user.groups.set(Group.objects.filter(name__in=roles))
    user.jurisdictions.set(regions)
    audit_record(
        actor=actor,
        action="user.create",
        object_type="user",
        object_id=user.pk,
        changes={"username": username, "roles": sorted(roles), "regions": sorted(region_codes)},
    )
    return user


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, user: User, name: str, read_only: bool = False, days: int | None = None
) -> tuple[ApiToken, str]:
    """A new token for the API; the clear token is returned once and never stored.

    It expires after `days` (at most, and by default, settings.API_TOKEN_DAYS).
    """
    if not name.strip():
        raise ValidationFailed(
            _("Give the token a name, e.g. the program that will use it."), field="name"
        )
    longest = settings.API_TOKEN_DAYS
    days = longest if days is None else days
    if not 1 <= days <= longest:
        raise ValidationFailed(
            _("A token lasts from 1 to %(days)d days.") % {"days": longest}, field="days"
        )
    token = "hm_" + secrets.token_urlsafe(TOKEN_BYTES)
    record = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        token_hash=_hash_token(token),
        prefix=token[:8],
        expires_at=timezone.now() + timedelta(days=days),
        read_only=read_only,
    )
    audit_record(
        actor=user,
        action="api_token.create",
        object_type="api_token",
        object_id=record.pk,
        region_code=common_ancestor(access.region_codes_of(user)),
        changes={
            "name": record.name,
            "read_only": read_only,
            "expires_at": record.expires_at.isoformat(),
        },
    )
    return record, token


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> None:
    """Revoke a token: its owner may, and so may an administrator over the owner's regions."""
    record = (
        access.api_tokens_revocable_by(user)
        .select_for_update(of=("self",))
        .select_related("user")
        .filter(pk=token_id)
        .first()
    )
    if record is None:
        raise Http404
    if record.revoked_at is not None:
        return
    record.revoked_at = timezone.now()
    record.save(update_fields=["revoked_at"])
    owner = record.user
    audit_record(
        actor=user,
        action="api_token.revoke",
        object_type="api_token",
        object_id=record.pk,
        region_code=common_ancestor(access.region_codes_of(owner)),
        changes={"owner": owner.get_username(), "by_owner": owner.pk == user.pk},
    )


def api_token_user(token: str, *, method: str = "GET") -> User | None:
    """The user a bearer token stands for; None if it is unknown or revoked.

    An expired token is refused with a message saying so, and a read-only token may only read.
    """
    record = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=_hash_token(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if record is None:
        return None
    now = timezone.now()
    if record.expires_at <= now:
        raise NotAuthenticated(
            _("This API token expired on %(date)s; create a new one on the tokens page.")
            % {"date": timezone.localtime(record.expires_at).strftime("%Y-%m-%d %H:%M")}
        )
    if record.read_only and method.upper() not in READ_METHODS:
        raise NotAllowed(_("This API token is read-only: it may not change anything."))
    # Not audited: a timestamp refresh is bookkeeping, not a change a person made. At most
    # once a minute, so that a client calling many times a second does not write each time.
    if record.last_used_at is None or now - record.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record.user


@transaction.atomic
def pii_reveal(
    *, user: User, record: Model, field: str, region_code: str, request: HttpRequest | None = None
) -> str:
    """The clear value of one personal-data field, for a user allowed to see it; audited."""
    if not user.has_perm("core.reveal_pii"):
        raise NotAllowed("your role may not reveal personal data")
    if not access.covers(user, region_code):
        raise NotAllowed("this record is outside your jurisdiction")
    audit_record(
        actor=user,
        action="pii.reveal",
        object_type=record._meta.label_lower,
        object_id=record.pk,
        region_code=region_code,
        changes={"field": field},
        request=request,
    )
    return str(getattr(record, field))


@transaction.atomic
def job_create(
    *,
    owner: User,
    kind: str,
    title: str,
    total: int = 0,
    task_path: str = "",
    arguments: dict | None = None,
    language: str = "",
) -> Job:
    job = Job.objects.create(
        owner=owner,
        kind=kind,
        title=title,
        total=total,
        task_path=task_path,
        arguments=arguments or {},
        language=language or translation.get_language() or settings.LANGUAGE_CODE,
    )
    audit_record(
        actor=owner,
        action="job.create",
        object_type="job",
        object_id=job.pk,
        changes={"kind": kind, "title": title},
    )
    return job


def _lease() -> datetime:
    return timezone.now() + timedelta(seconds=settings.HUIMIN_JOB_LEASE_SECONDS)


def job_begin(*, job_id: int) -> None:
    """The work has started: the job runs and holds a lease that its progress renews."""
    Job.objects.filter(pk=job_id, status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).update(
        status=JobStatus.RUNNING, lease_expires_at=_lease()
    )


def job_progress(*, job_id: int, done: int, total: int | None = None, message: str = "") -> None:
    """Record progress and renew the lease. Set-based and outside any transaction, so the page
    sees it at once. A job already marked interrupted stays so: its owner may have restarted it."""
    fields: dict[str, object] = {
        "done": done,
        "status": JobStatus.RUNNING,
        "lease_expires_at": _lease(),
    }
    if total is not None:
        fields["total"] = total
    if message:
        fields["message"] = message[:500]
    Job.objects.filter(pk=job_id, status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).update(**fields)


def job_finish(*, job_id: int, outcome: dict, message: str = "") -> None:
    Job.objects.filter(pk=job_id).update(
        done=Greatest(F("done"), F("total")),
        status=JobStatus.SUCCEEDED,
        outcome=outcome,
        message=message[:500],
        finished_at=timezone.now(),
        lease_expires_at=None,
    )


def job_fail(*, job_id: int, message: str) -> None:
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.FAILED,
        message=message[:500],
        finished_at=timezone.now(),
        lease_expires_at=None,
    )


def job_interrupt_lapsed(*, owner: User | None = None, job_id: int | None = None) -> int:
    """Mark interrupted the running jobs whose lease has lapsed: their worker is gone.

    Called by the worker at start-up (every job) and by each read of the jobs page or API (the
    reader's jobs). The common case, nothing lapsed, is one query on a partial index; each job
    found is marked under a lock, in the language of the person who started it, and audited.
    """
    lapsed = Job.objects.filter(status=JobStatus.RUNNING, lease_expires_at__lt=timezone.now())
    if owner is not None:
        lapsed = lapsed.filter(owner=owner)
    if job_id is not None:
        lapsed = lapsed.filter(pk=job_id)
    found = list(lapsed.values_list("pk", flat=True)[:1000])
    if not found:
        return 0
    marked = 0
    with transaction.atomic():
        # Look again under the lock: progress may have renewed a lease since the query above.
        for job in lapsed.filter(pk__in=found).select_for_update().order_by("pk"):
            with translation.override(job.language or settings.LANGUAGE_CODE):
                message = translation.gettext(
                    "Interrupted at %(done)d / %(total)d: the worker running this job stopped "
                    "before it finished; nothing of the unfinished work was kept. "
                    "You can start it again."
                ) % {"done": job.done, "total": job.total}
            job.status = JobStatus.INTERRUPTED
            job.message = message[:500]
            job.finished_at = timezone.now()
            job.lease_expires_at = None
            job.save(update_fields=["status", "message", "finished_at", "lease_expires_at"])
            audit_record(
                actor=None,
                action="job.interrupt",
                object_type="job",
                object_id=job.pk,
                changes={"done": job.done, "total": job.total},
            )
            marked += 1
    return marked


@transaction.atomic
def job_retry(*, actor: User, job_id: int) -> Job:
    """Start an interrupted job again, with the task and arguments it was started with.

    Safe because a job's work commits whole or not at all, and running it again on the same
    input gives the same result (an import applied twice changes nothing the second time).
    """
    job = Job.objects.select_for_update().get(pk=job_id)
    if job.owner_id != actor.pk:
        raise NotAllowed(translation.gettext("Only the person who started a job can restart it."))
    if not job.can_retry:
        raise ValidationFailed(translation.gettext("Only an interrupted job can be started again."))
    done_before = job.done
    job.status = JobStatus.QUEUED
    job.done = 0
    job.message = ""
    job.finished_at = None
    job.lease_expires_at = None
    job.save(update_fields=["status", "done", "message", "finished_at", "lease_expires_at"])
    audit_record(
        actor=actor,
        action="job.retry",
        object_type="job",
        object_id=job.pk,
        changes={"kind": job.kind, "done_before": done_before},
    )
    task: Task = import_string(job.task_path)
    arguments = dict(job.arguments)
    transaction.on_commit(lambda: job_enqueue(job_id=job.pk, task=task, arguments=arguments))
    return job


def job_enqueue(*, job_id: int, task: Task, arguments: dict) -> None:
    """Hand the job to the worker; call it once the job's record is committed (the worker
    must see it)."""
    result = task.enqueue(job_id=job_id, **arguments)
    Job.objects.filter(pk=job_id).update(task_id=str(result.id))
