"""Every write of the citizens app: sign-in codes, sign-in, linking an account at the window."""

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.casework.models import Application
from huimin.casework.services import application_submit_online, document_attach_online
from huimin.citizens.models import CitizenAccount, SignInCode
from huimin.citizens.sms import send_sms
from huimin.core.access import covers
from huimin.core.audit import audit_record
from huimin.core.errors import NotAllowed, TooManyAttempts, ValidationFailed
from huimin.core.models import User
from huimin.core.pii import blind_index, blind_index_candidates
from huimin.registry.models import Person

CODE_LIFETIME = timedelta(minutes=10)
CODE_ATTEMPTS = 5  # wrong tries before a code is spent
THROTTLE_WINDOW = timedelta(hours=1)
CODES_PER_NUMBER = 5  # codes one number may be sent in the window
CODES_PER_ADDRESS = 20  # codes one address may ask for in the window (many numbers)
MOBILE = re.compile(r"1[3-9][0-9]{9}")


def normalize_mobile(text: str) -> str:
    digits = "".join(ch for ch in text if ch.isdigit())
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not MOBILE.fullmatch(digits):
        raise ValidationFailed(_("Type an 11-digit mobile number."), field="phone")
    return digits


def _code_hash(phone_index: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{phone_index}:{code}".encode(), hashlib.sha256).hexdigest()


def _address(request: HttpRequest | None) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))[:45] if request is not None else ""


@transaction.atomic
def sign_in_code_send(*, phone: str, request: HttpRequest | None = None) -> SignInCode:
    """Send a 6-digit code to the number, unless the number or the address asked too often."""
    phone = normalize_mobile(phone)
    index = blind_index(phone)
    now = timezone.now()
    since = now - THROTTLE_WINDOW
    address = _address(request)
    recent = SignInCode.objects.select_for_update().filter(created_at__gte=since)
    if recent.filter(phone_index=index).count() >= CODES_PER_NUMBER:
        raise TooManyAttempts(
            _("Too many codes were sent to this number. Try again in an hour."), field="phone"
        )
    if address and recent.filter(address=address).count() >= CODES_PER_ADDRESS:
        raise TooManyAttempts(_("Too many codes were asked for from here. Try again in an hour."))
    code = f"{secrets.randbelow(10**6):06d}"
    sent = SignInCode.objects.create(
        phone_index=index,
        code_hash=_code_hash(index, code),
        address=address,
        created_at=now,
        expires_at=now + CODE_LIFETIME,
    )
    audit_record(
        actor=None,
        action="citizen.code_send",
        object_type="sign_in_code",
        object_id=sent.pk,
        request=request,
    )
    minutes = int(CODE_LIFETIME.total_seconds() // 60)
    text = _("Huimin sign-in code: %(code)s. Valid %(minutes)s minutes. Never give it to anyone.")
    send_sms(phone=phone, text=text % {"code": code, "minutes": minutes})
    return sent


def citizen_sign_in(*, phone: str, code: str, request: HttpRequest | None = None) -> CitizenAccount:
    """The account of the number, made on its first sign-in, if the code is the latest one sent,
    unexpired and unused. A wrong code counts against it (kept even though the sign-in is
    refused); after five wrong tries it is spent."""
    phone = normalize_mobile(phone)
    index = blind_index(phone)
    wrong = ValidationFailed(
        _("The code is wrong or has expired. Ask for a new one."), field="code"
    )
    with transaction.atomic():
        now = timezone.now()
        sent = (
            SignInCode.objects.select_for_update()
            .filter(phone_index=index, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at", "-pk")
            .first()
        )
        if sent is None or sent.failed_attempts >= CODE_ATTEMPTS:
            raise wrong
        if hmac.compare_digest(sent.code_hash, _code_hash(index, code.strip())):
            return _sign_in(sent, phone, now, request)
        SignInCode.objects.filter(pk=sent.pk).update(failed_attempts=sent.failed_attempts + 1)
    raise wrong  # after the failed attempt is committed


def _sign_in(
    sent: SignInCode, phone: str, now: datetime, request: HttpRequest | None
) -> CitizenAccount:
    SignInCode.objects.filter(pk=sent.pk).update(used_at=now)
    account = CitizenAccount.objects.filter(phone_index__in=blind_index_candidates(phone)).first()
    created = account is None
    if account is None:
        account = CitizenAccount.objects.create(phone=phone)
    account.last_sign_in_at = now
    account.save(update_fields=["last_sign_in_at"])
    audit_record(
        actor=None,
        action="citizen.sign_in",
        object_type="citizen_account",
        object_id=account.pk,
        region_code=account.household.region_code if account.household else "",
        changes={"created": created},
        request=request,
    )
    return account


@transaction.atomic
def citizen_account_link(
    *,
    actor: User,
    phone: str,
    id_number: str,
    request: HttpRequest | None = None,
) -> CitizenAccount:
    """At the township window: the clerk has seen the person's identity card and links the
    account of their mobile number to them and their household (the real-name check)."""
    if not actor.has_perm("casework.take_application"):
        raise NotAllowed(_("Only a caseworker at the window can confirm a resident's account."))
    phone = normalize_mobile(phone)
    account = (
        CitizenAccount.objects.select_for_update()
        .filter(phone_index__in=blind_index_candidates(phone))
        .first()
    )
    if account is None:
        raise ValidationFailed(
            _("No one has signed in with this number yet: ask the resident to sign in first."),
            field="phone",
        )
    person = (
        Person.objects.select_related("household")
        .filter(id_number_index__in=blind_index_candidates(id_number.strip()))
        .first()
    )
    if person is None or not covers(actor, person.household.region_code):
        raise ValidationFailed(
            _("No one with this identity number is registered in your area."), field="id_number"
        )
    if account.is_linked and account.person_id != person.pk:
        raise ValidationFailed(
            _("This number is already confirmed for someone else: the county can undo that."),
            field="phone",
        )
    account.person = person
    account.household = person.household
    account.linked_at = timezone.now()
    account.linked_by = actor
    account.save(update_fields=["person", "household", "linked_at", "linked_by"])
    audit_record(
        actor=actor,
        action="citizen.link",
        object_type="citizen_account",
        object_id=account.pk,
        region_code=person.household.region_code,
        changes={"person": person.pk, "household": person.household_id},
        request=request,
    )
    return account


ONLINE_PROGRAMS = ("dibao", "tekun", "temporary")


@transaction.atomic
def citizen_application_submit(
    *,
    account: CitizenAccount,
    program: str,
    statement: str,
    expense_fen: int = 0,
    documents: Sequence[tuple[str, str, bytes]] = (),
    request: HttpRequest | None = None,
) -> Application:
    """A confirmed resident applies online: the application is taken through casework's
    `application_submit_online` (channel "online", first step opened with its due date) and
    lands in the area's worklist; documents go through `document_attach_online` (checked,
    encrypted at rest). The resident's account is the taker, recorded as such: casework's
    events have no staff actor and name the account, and `citizen.apply` says the resident
    submitted it online."""
    account = CitizenAccount.objects.select_for_update().get(pk=account.pk)
    if account.household is None or account.person is None or account.linked_by is None:
        raise NotAllowed(
            _("Your account is not confirmed yet: bring your identity card to the township once.")
        )
    if program not in ONLINE_PROGRAMS:
        raise ValidationFailed(_("Choose the help you apply for."), field="program")
    statement = statement.strip()
    if not statement:
        raise ValidationFailed(_("Tell us in a few words why you apply."), field="statement")
    facts: dict[str, Any] = {}
    if program == "temporary":
        facts = {"emergency_kind": "expenditure", "emergency_expense_fen": expense_fen}
    application = application_submit_online(
        account=account, program=program, statement=statement, request=request, **facts
    )
    for kind, file_name, data in documents:
        document_attach_online(
            account=account,
            application=application,
            kind=kind,
            file_name=file_name,
            data=data,
            request=request,
        )
    audit_record(
        actor=None,
        action="citizen.apply",
        object_type="casework.application",
        object_id=application.pk,
        region_code=application.region_code,
        changes={"account": account.pk, "program": program, "documents": len(documents)},
        request=request,
    )
    return application
