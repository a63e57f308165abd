"""Every write core makes: users, API tokens, jobs, and reveals of personal data."""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import F, Model
from django.db.models.functions import Greatest
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

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
