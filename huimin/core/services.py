"""Every write core makes: users, API tokens, jobs, and reveals of personal data."""

import hashlib
import secrets
from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import F, Model
from django.db.models.functions import Greatest
from django.http import HttpRequest
from django.utils import timezone

from huimin.core import access
from huimin.core.audit import audit_record
from huimin.core.errors import NotAllowed, ValidationFailed
from huimin.core.models import ApiToken, Job, JobStatus, Region, User
from huimin.core.roles import ROLE_LABELS

TOKEN_BYTES = 32


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
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for the API; the clear token is returned once and never stored."""
    if not name.strip():
        raise ValidationFailed(
            "give the token a name, e.g. the program that will use it", field="name"
        )
    token = "hm_" + secrets.token_urlsafe(TOKEN_BYTES)
    record = ApiToken.objects.create(
        user=user, name=name.strip(), token_hash=_hash_token(token), prefix=token[:8]
    )
    audit_record(
        actor=user, action="api_token.create", object_type="api_token", object_id=record.pk
    )
    return record, token


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> None:
    record = ApiToken.objects.select_for_update().get(pk=token_id, user=user)
    record.revoked_at = timezone.now()
    record.save(update_fields=["revoked_at"])
    audit_record(
        actor=user, action="api_token.revoke", object_type="api_token", object_id=record.pk
    )


def api_token_user(token: str) -> User | None:
    record = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=_hash_token(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if record is None:
        return None
    # Not audited: a timestamp refresh is bookkeeping, not a change a person made.
    ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
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
def job_create(*, owner: User, kind: str, title: str, total: int = 0) -> Job:
    job = Job.objects.create(owner=owner, kind=kind, title=title, total=total)
    audit_record(
        actor=owner,
        action="job.create",
        object_type="job",
        object_id=job.pk,
        changes={"kind": kind, "title": title},
    )
    return job


def job_progress(*, job_id: int, done: int, total: int | None = None, message: str = "") -> None:
    """Record progress. Set-based and outside any transaction, so the page sees it at once."""
    fields: dict[str, object] = {"done": done, "status": JobStatus.RUNNING}
    if total is not None:
        fields["total"] = total
    if message:
        fields["message"] = message[:500]
    Job.objects.filter(pk=job_id).update(**fields)


def job_finish(*, job_id: int, outcome: dict, message: str = "") -> None:
    Job.objects.filter(pk=job_id).update(
        done=Greatest(F("done"), F("total")),
        status=JobStatus.SUCCEEDED,
        outcome=outcome,
        message=message[:500],
        finished_at=timezone.now(),
    )


def job_fail(*, job_id: int, message: str) -> None:
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.FAILED, message=message[:500], finished_at=timezone.now()
    )
