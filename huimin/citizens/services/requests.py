"""Requests, complaints and reports (诉求): filed, routed, answered, escalated, rated."""

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.citizens.models import (
    CitizenAccount,
    Request,
    RequestAnswer,
    RequestChannel,
    RequestKind,
    RequestStatus,
)
from huimin.citizens.services.accounts import normalize_mobile
from huimin.citizens.sms import send_sms
from huimin.core.access import covers
from huimin.core.audit import audit_record
from huimin.core.errors import Conflict, NotAllowed, ValidationFailed
from huimin.core.models import Region, User
from huimin.core.regions import short_code
from huimin.core.workdays import add_working_days
from huimin.programs.parameters import live_parameters


def time_limit_days(kind: str, region_code: str, on: dt.date) -> int:
    """The working days a kind of request has in a region (parameter `requests.<kind>_days`)."""
    record = live_parameters().resolve(f"requests.{kind}_days", region_code, on.strftime("%Y-%m"))
    return int(record.value)


def _route(region_code: str, *, concerns_caseworker: bool) -> str:
    """The township it concerns; the county when it is about the caseworker there."""
    code = short_code(region_code)
    if concerns_caseworker:
        return code[:6]
    return code[:9] if len(code) >= 9 else code


@transaction.atomic
def request_file(
    *,
    kind: str,
    text: str,
    region_code: str,
    channel: str = RequestChannel.ONLINE,
    account: CitizenAccount | None = None,
    contact_phone: str = "",
    anonymous: bool = False,
    concerns_caseworker: bool = False,
    actor: User | None = None,
    request: HttpRequest | None = None,
) -> Request:
    """File a request online (a citizen, signed in or not) or for a resident (`actor`: staff
    recording a visit, a call or a 12345 hotline ticket). An anonymous report stores nothing
    that identifies the reporter: no account, no phone, and its audit event no address."""
    if kind not in RequestKind.values:
        raise ValidationFailed(_("Say what kind of request this is."), field="kind")
    if channel not in RequestChannel.values:
        raise ValidationFailed(_("Say how the request came in."), field="channel")
    if kind == RequestKind.PAYMENT or channel == RequestChannel.CHECK:
        raise ValidationFailed(
            _("A payment follow-up is opened by recording a post-payment check."), field="kind"
        )
    if channel != RequestChannel.ONLINE and actor is None:
        raise NotAllowed(_("Only staff record a visit, a call or a hotline ticket."))
    if actor is not None:
        if not actor.has_perm("casework.take_application"):
            raise NotAllowed(_("Your role does not allow this step."))
        if not covers(actor, region_code):
            raise NotAllowed(_("This place is outside your area."))
    if anonymous and kind != RequestKind.REPORT:
        raise ValidationFailed(_("Only a report can be anonymous."), field="anonymous")
    text = text.strip()
    if not text:
        raise ValidationFailed(_("Write what it is about."), field="text")
    if not Region.objects.filter(code=short_code(region_code)).exists():
        raise ValidationFailed(_("Choose where it happened."), field="region_code")
    if anonymous:
        account, contact_phone = None, ""
    elif contact_phone:
        contact_phone = normalize_mobile(contact_phone)
    elif account is not None:
        contact_phone = account.phone
    today = timezone.localdate()
    routed = _route(region_code, concerns_caseworker=concerns_caseworker)
    due = add_working_days(today, time_limit_days(kind, routed, today))
    filed = Request.objects.create(
        kind=kind,
        channel=channel,
        text=text,
        anonymous=anonymous,
        account=account,
        contact_phone=contact_phone,
        region_code=routed,
        concerns_caseworker=concerns_caseworker,
        filed_by=actor,
        filed_on=today,
        due_date=due.day,
        due_provisional=due.provisional,
    )
    audit_record(
        actor=actor,
        action="citizen.request_file",
        object_type="citizens.request",
        object_id=filed.pk,
        region_code=routed,
        changes={"kind": kind, "channel": channel, "anonymous": anonymous},
        request=None if anonymous else request,  # an anonymous report keeps no address
    )
    if contact_phone:
        text_out = _("Huimin: your request no. %(number)s is received; answer due by %(day)s.")
        send_sms(phone=contact_phone, text=text_out % {"number": filed.pk, "day": due.day})
    return filed


@transaction.atomic
def request_answer(
    *,
    actor: User,
    filed: Request,
    text: str,
    close: bool,
    request: HttpRequest | None = None,
) -> RequestAnswer:
    """Record an answer (every one is kept); closing tells the resident by SMS."""
    if not actor.has_perm("casework.take_application"):
        raise NotAllowed(_("Your role does not allow this step."))
    filed = Request.objects.select_for_update().get(pk=filed.pk)
    if not covers(actor, filed.region_code):
        raise NotAllowed(_("This place is outside your area."))
    if filed.status == RequestStatus.CLOSED:
        raise Conflict(_("This request is already answered and closed."))
    text = text.strip()
    if not text:
        raise ValidationFailed(_("Write the answer."), field="text")
    answer = RequestAnswer.objects.create(request=filed, text=text, answered_by=actor, closes=close)
    if close:
        now = timezone.now()
        filed.status = RequestStatus.CLOSED
        filed.closed_at = now
        filed.answered_in_time = timezone.localdate(now) <= filed.due_date
        filed.save(update_fields=["status", "closed_at", "answered_in_time"])
    audit_record(
        actor=actor,
        action="citizen.request_answer",
        object_type="citizens.request",
        object_id=filed.pk,
        region_code=filed.region_code,
        changes={"closes": close},
        request=request,
    )
    if close and filed.contact_phone:
        message = _("Huimin: your request no. %(number)s is answered: %(answer)s")
        send_sms(phone=filed.contact_phone, text=message % {"number": filed.pk, "answer": text})
    return answer


@transaction.atomic
def request_rate(
    *,
    account: CitizenAccount,
    filed: Request,
    rating: int,
    comment: str = "",
    request: HttpRequest | None = None,
) -> Request:
    """After it is closed, the resident who filed it rates the handling, 1 to 5, once."""
    filed = Request.objects.select_for_update().get(pk=filed.pk)
    if filed.account_id != account.pk:
        raise NotAllowed(_("Only the person who filed it can rate it."))
    if filed.status != RequestStatus.CLOSED:
        raise Conflict(_("A request can be rated once it is answered."))
    if filed.rating is not None:
        raise Conflict(_("You have rated this already."))
    if rating not in range(1, 6):
        raise ValidationFailed(_("Choose from 1 to 5."), field="rating")
    filed.rating, filed.rating_comment = rating, comment.strip()
    filed.save(update_fields=["rating", "rating_comment"])
    audit_record(
        actor=None,
        action="citizen.request_rate",
        object_type="citizens.request",
        object_id=filed.pk,
        region_code=filed.region_code,
        changes={"rating": rating},
        request=request,
    )
    return filed


@transaction.atomic
def requests_escalate_overdue(*, today: dt.date | None = None) -> int:
    """Open requests past their due date go to the supervisor (once each): `huimin
    requests_escalate`, run daily."""
    today = today or timezone.localdate()
    overdue: QuerySet[Request] = Request.objects.select_for_update().filter(
        status=RequestStatus.OPEN, due_date__lt=today, escalated_at__isnull=True
    )
    now = timezone.now()
    count = 0
    for filed in overdue:
        filed.escalated_at = now
        filed.save(update_fields=["escalated_at"])
        audit_record(
            actor=None,
            action="citizen.request_escalate",
            object_type="citizens.request",
            object_id=filed.pk,
            region_code=filed.region_code,
            changes={"due_date": filed.due_date.isoformat()},
        )
        count += 1
    return count
