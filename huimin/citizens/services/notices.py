"""Notices by SMS to a family about its own case: a step that needs the family, a decision, a
payment that did not arrive, a review coming.

Casework and payments call the `notify_*` functions explicitly, inside the transaction of the
change (as the registry tells casework: no signal). A notice goes only to an account confirmed at
the township window for that household, at most once per account and event (database
constraint), and is recorded with the text exactly as sent. The text is plain Chinese, short,
with no name and no number in clear (a bank account by its last four digits). It is sent after
the commit, through the job queue (`citizens.tasks.send_notices`), claimed before it is handed to
the gateway, so that two workers never both send it. One the gateway refused, or whose worker
died while sending, is sent again later (`notices_resend_due`), a bounded number of times.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from huimin.casework.assessment import payment_month
from huimin.casework.models import (
    Application,
    Decision,
    DecisionOutcome,
    Entitlement,
    EntitlementStatus,
    Program,
    Step,
    StepKind,
)
from huimin.casework.services.verification import has_authorization
from huimin.citizens.models import CitizenAccount, CitizenNotice, NoticeKind, NoticeStatus
from huimin.citizens.sms import SmsNotSent, backend
from huimin.core.audit import audit_record, audit_record_many
from huimin.core.money import format_yuan
from huimin.programs.parameters import live_parameters
from huimin.registry.bulk.batches import batched

SMS_LANGUAGE = "zh-hans"  # the families' language, whoever's action caused the notice
REVIEW_NOTICE_PARAMETER = "citizens.review_notice_days"  # days before a review, by region
SEND_BATCH = 500  # notices per queued task
MAX_ATTEMPTS = 5  # hand-overs to the gateway before a notice is given up
RETRY_FIRST_WAIT = dt.timedelta(minutes=5)  # doubled after each failed attempt
STUCK_AFTER = dt.timedelta(minutes=10)  # "being sent" this long: its worker died
ONE_OFF_PROGRAMS = (Program.TEMPORARY, Program.DISASTER)


@dataclass(frozen=True)
class Event:
    """Something that happened to a household's case, worth one notice to each of its accounts."""

    household_id: int
    region_code: str
    kind: str
    key: str  # the same event always has the same key: "decision:12"
    object_type: str
    object_id: int
    text: str


def _day(day: dt.date) -> str:
    return pgettext("date in a text message", "%(year)d-%(month)02d-%(day)02d") % {
        "year": day.year,
        "month": day.month,
        "day": day.day,
    }


def _month(month: dt.date) -> str:
    return pgettext("month in a text message", "%(year)d-%(month)02d") % {
        "year": month.year,
        "month": month.month,
    }


def _program(code: str) -> str:
    return str(Program(code).label) if code in Program.values else code


def _tail(account_number: str) -> str:
    """A bank account as a text shows it: its last four digits, never more."""
    digits = "".join(ch for ch in account_number if ch.isdigit())
    return digits[-4:] if len(digits) >= 4 else "****"


# What casework and payments call ---------------------------------------------------------------


def notify_step_opened(*, application: Application, step: Step) -> int:
    """A step that waits for the family: every adult signs the authorization for the checks (when
    none is on file yet), or two staff come to the home. Other steps are the office's work."""
    with translation.override(SMS_LANGUAGE):
        program = _program(application.program)
        day = _day(step.due_date) if step.due_date else ""
        if step.kind == StepKind.VERIFICATION and not has_authorization(application):
            text = _(
                "Huimin: for your application for %(program)s every adult of the family signs "
                "an authorization for the checks of income and savings. Please come to the "
                "township office with your identity cards by %(day)s."
            )
        elif step.kind == StepKind.HOME_VISIT:
            text = _(
                "Huimin: for your application for %(program)s two staff will visit your home by "
                "%(day)s. Please be at home, or call the township office to agree a time."
            )
        else:
            return 0
        text = text % {"program": program, "day": day}
    return _record(
        [
            Event(
                household_id=application.household_id,
                region_code=application.region_code,
                kind=NoticeKind.STEP_NEEDS_YOU,
                key=f"step:{step.pk}",
                object_type="casework.step",
                object_id=step.pk,
                text=text,
            )
        ]
    )


def notify_application_paused(*, application: Application) -> int:
    """The procedure is suspended, usually for a missing document or fact. The caseworker's
    reason is not sent: it may name people or numbers; the family asks the township."""
    with translation.override(SMS_LANGUAGE):
        text = _(
            "Huimin: your application for %(program)s is paused: the township needs something "
            "more from you. Please call or visit the township office."
        ) % {"program": _program(application.program)}
    # Paused again on another day is another event; twice on one day, one text is enough.
    today = timezone.localdate()
    return _record(
        [
            Event(
                household_id=application.household_id,
                region_code=application.region_code,
                kind=NoticeKind.PAUSED,
                key=f"paused:{application.pk}:{today.isoformat()}",
                object_type="casework.application",
                object_id=application.pk,
                text=text,
            )
        ]
    )


def notify_decision(*, application: Application, decision: Decision) -> int:
    """Approved (how much, from when) or refused (the letter gives the reasons and the appeal)."""
    with translation.override(SMS_LANGUAGE):
        program = _program(application.program)
        if decision.outcome == DecisionOutcome.APPROVED:
            kind = NoticeKind.APPROVED
            if application.program in ONE_OFF_PROGRAMS:
                text = _(
                    "Huimin: your application for %(program)s is approved: %(amount)s yuan, paid "
                    "once. The decision letter is on your page in the portal."
                )
            else:
                text = _(
                    "Huimin: your application for %(program)s is approved: %(amount)s yuan a "
                    "month from %(month)s. The decision letter is on your page in the portal."
                )
            text = text % {
                "program": program,
                "amount": format_yuan(decision.amount_fen),
                "month": _month(payment_month(decision.decided_on)),
            }
        else:
            kind = NoticeKind.REFUSED
            text = _(
                "Huimin: your application for %(program)s is not approved. The decision letter "
                "gives the reasons and how to appeal: see your page in the portal, or ask the "
                "township office."
            ) % {"program": program}
    return _record(
        [
            Event(
                household_id=application.household_id,
                region_code=application.region_code,
                kind=kind,
                key=f"decision:{decision.pk}",
                object_type="casework.decision",
                object_id=decision.pk,
                text=text,
            )
        ]
    )


def notify_payments_failed(*, line_ids: Sequence[int]) -> int:
    """Lines a bank return marked failed (refused, or the money came back)."""
    from huimin.payments.banking.returns import reason_words
    from huimin.payments.models import LineStatus, PaymentLine

    ids = sorted(set(line_ids))
    events: list[Event] = []
    with translation.override(SMS_LANGUAGE):
        for batch in batched(ids):
            lines = (
                PaymentLine.objects.filter(
                    pk__in=batch,
                    status=LineStatus.FAILED,
                    household_id__in=_linked_households(),
                )
                .select_related("household")
                .order_by("pk")
            )
            for line in lines:
                text = _(
                    "Huimin: %(program)s for %(month)s, %(amount)s yuan, did not reach the "
                    "account ending %(account)s (%(reason)s). Please bring your bank card to the "
                    "township office; it will be paid again."
                ) % {
                    "program": _program(line.program),
                    "month": _month(line.month),
                    "amount": format_yuan(line.amount_fen),
                    "account": _tail(line.household.bank_account),
                    "reason": reason_words(line.reason),
                }
                events.append(
                    Event(
                        household_id=line.household_id,
                        region_code=line.region_code,
                        kind=NoticeKind.PAYMENT_FAILED,
                        key=f"line:{line.pk}",
                        object_type="payments.paymentline",
                        object_id=line.pk,
                        text=text,
                    )
                )
    return _record(events)


@transaction.atomic
def notify_reviews_due(*, on: dt.date) -> int:
    """Each running entitlement whose review falls within its region's notice window
    (`citizens.review_notice_days`, in force on `on`) or is overdue, announced once per review
    date: run daily by `huimin casework_daily`."""
    events = []
    with translation.override(SMS_LANGUAGE):
        for entitlement in _reviews_within_notice(on=on):
            review_due = entitlement.review_due or on  # never empty: filtered above
            text = _(
                "Huimin: your family's %(program)s is reviewed by %(day)s. The township will "
                "contact you; have your family's income and savings at hand."
            ) % {"program": _program(entitlement.program), "day": _day(review_due)}
            events.append(
                Event(
                    household_id=entitlement.household_id,
                    region_code=entitlement.region_code,
                    kind=NoticeKind.REVIEW_DUE,
                    key=f"review:{entitlement.pk}:{review_due.isoformat()}",
                    object_type="casework.entitlement",
                    object_id=entitlement.pk,
                    text=text,
                )
            )
    return _record(events)


def review_notice_days(*, region_code: str, on: dt.date) -> int:
    """How many days before a review its family is told, in a region on a day."""
    record = live_parameters().resolve(REVIEW_NOTICE_PARAMETER, region_code, on.strftime("%Y-%m"))
    return int(record.value)


def _reviews_within_notice(*, on: dt.date) -> list[Entitlement]:
    """Regions differ in their window: the entitlements' regions are grouped by it, and each
    group read with its own horizon (a few windows, however many villages)."""
    running = Entitlement.objects.filter(
        status__in=(EntitlementStatus.ACTIVE, EntitlementStatus.GRADUAL_EXIT),
        review_due__isnull=False,
        household_id__in=_linked_households(),
    )
    regions_by_window: dict[int, list[str]] = defaultdict(list)
    for code in running.values_list("region_code", flat=True).distinct().order_by():
        regions_by_window[review_notice_days(region_code=code, on=on)].append(code)
    due: list[Entitlement] = []
    for days, codes in sorted(regions_by_window.items()):
        for batch in batched(sorted(codes)):
            due.extend(
                running.filter(region_code__in=batch, review_due__lte=on + dt.timedelta(days=days))
                .only("pk", "program", "household_id", "region_code", "review_due")
                .order_by("pk")
            )
    return sorted(due, key=lambda entitlement: entitlement.pk)


# Recording and sending ---------------------------------------------------------------------


def _linked_households() -> "QuerySet[CitizenAccount, int]":
    """The households with at least one account confirmed at the window (a subquery)."""
    return CitizenAccount.objects.filter(
        household__isnull=False, linked_at__isnull=False
    ).values_list("household_id", flat=True)


def _record(events: Sequence[Event]) -> int:
    """One notice per confirmed account of each event's household, none twice; each audited;
    sent once the transaction commits. Returns how many were recorded."""
    if not events:
        return 0
    accounts: dict[int, list[int]] = defaultdict(list)
    for household_batch in batched(sorted({e.household_id for e in events})):
        for account_id, household_id in CitizenAccount.objects.filter(
            household_id__in=household_batch, linked_at__isnull=False
        ).values_list("pk", "household_id"):
            accounts[household_id].append(account_id)
    wanted = {
        (account_id, event.key): event
        for event in events
        for account_id in accounts.get(event.household_id, ())
    }
    if not wanted:
        return 0
    for batch in batched(sorted({key for _account, key in wanted})):
        for pair in CitizenNotice.objects.filter(event_key__in=batch).values_list(
            "account_id", "event_key"
        ):
            wanted.pop(pair, None)  # already told: never twice
    CitizenNotice.objects.bulk_create(
        [
            CitizenNotice(
                account_id=account_id,
                household_id=event.household_id,
                kind=event.kind,
                event_key=event.key,
                object_type=event.object_type,
                object_id=str(event.object_id),
                region_code=event.region_code,
                text=event.text,
            )
            for (account_id, _key), event in wanted.items()
        ],
        ignore_conflicts=True,  # a concurrent run recorded it first: it stays theirs
    )
    made = _made(wanted)
    audit_record_many(
        actor=None,
        events=[
            {
                "action": "citizen.notice_record",
                "object_type": "citizens.citizennotice",
                "object_id": notice_id,
                "region_code": wanted[(account_id, key)].region_code,
                "changes": {
                    "account": account_id,
                    "kind": wanted[(account_id, key)].kind,
                    "about": f"{wanted[(account_id, key)].object_type}:"
                    f"{wanted[(account_id, key)].object_id}",
                },
            }
            for notice_id, account_id, key in made
        ],
    )
    ids = [notice_id for notice_id, _account, _key in made]
    transaction.on_commit(lambda: notices_enqueue(notice_ids=ids))
    return len(ids)


def _made(wanted: dict[tuple[int, str], Event]) -> list[tuple[int, int, str]]:
    keys = sorted({key for _account, key in wanted})
    made = []
    for batch in batched(keys):
        for row in CitizenNotice.objects.filter(
            event_key__in=batch, status=NoticeStatus.QUEUED
        ).values_list("pk", "account_id", "event_key"):
            if (row[1], row[2]) in wanted:
                made.append(row)
    return sorted(made)


def notices_enqueue(*, notice_ids: Sequence[int]) -> None:
    """Hand the notices to the worker (at once where tasks run immediately)."""
    from huimin.citizens.tasks import send_notices

    for start in range(0, len(notice_ids), SEND_BATCH):
        send_notices.enqueue(notice_ids=list(notice_ids[start : start + SEND_BATCH]))


def notice_deliver(*, notice_id: int) -> CitizenNotice:
    """Send one queued notice through the SMS gateway and record what became of it.

    The notice is claimed first, in its own transaction, so that two workers (or a retried job)
    never both send it; the outcome is recorded and audited after the gateway answers."""
    claimed = _claim(CitizenNotice.objects.filter(pk=notice_id, status=NoticeStatus.QUEUED))
    if not claimed:
        return CitizenNotice.objects.get(pk=notice_id)
    return _hand_to_gateway(notice_id=notice_id)


def _claim(notices: "QuerySet[CitizenNotice]") -> int:
    """Mark the notices "being sent", counting the attempt, in one UPDATE whose WHERE holds the
    status read: of two runs that saw the same notice, only one changes it."""
    with transaction.atomic():
        return notices.update(
            status=NoticeStatus.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()
        )


def _hand_to_gateway(*, notice_id: int) -> CitizenNotice:
    notice = CitizenNotice.objects.select_related("account").get(pk=notice_id)
    failure = ""
    try:
        backend().send(phone=notice.account.phone, text=notice.text)
    except SmsNotSent as error:
        failure = str(error.message)[:200]
    with transaction.atomic():
        if not failure:
            notice.status, notice.sent_at, notice.next_try_at = (
                NoticeStatus.SENT,
                timezone.now(),
                None,
            )
        elif notice.attempts >= MAX_ATTEMPTS:
            notice.status, notice.next_try_at = NoticeStatus.GIVEN_UP, None
        else:
            notice.status = NoticeStatus.FAILED
            notice.next_try_at = timezone.now() + retry_wait(attempts=notice.attempts)
        notice.failure = failure
        notice.save(update_fields=["status", "sent_at", "failure", "next_try_at"])
        _audit_outcome(notice)
    return notice


def _audit_outcome(notice: CitizenNotice) -> None:
    audit_record(
        actor=None,
        action="citizen.notice_send",
        object_type="citizens.citizennotice",
        object_id=notice.pk,
        region_code=notice.region_code,
        changes={"status": notice.status, "kind": notice.kind, "attempts": notice.attempts},
    )


# Sending again what did not go out ---------------------------------------------------------


def retry_wait(*, attempts: int) -> dt.timedelta:
    """The wait after a failed attempt: 5 minutes, then 10, 20, 40: a gateway that is down for an
    hour is not hammered, and a family still hears within the day."""
    return RETRY_FIRST_WAIT * 2 ** max(attempts - 1, 0)


def notices_resend_due(*, now: dt.datetime | None = None) -> int:
    """Send again each notice left "being sent" for longer than `STUCK_AFTER` (its worker died
    while sending) and each "not delivered" one whose next try has come; a notice that has used
    its `MAX_ATTEMPTS` is given up instead. Run every few minutes by `huimin
    citizens_resend_notices` (and by the daily command). A sent notice is never taken: each
    claim is an UPDATE on the status it was read with. Returns how many were sent again."""
    now = now or timezone.now()
    stuck = Q(status=NoticeStatus.SENDING) & (
        Q(claimed_at__lt=now - STUCK_AFTER) | Q(claimed_at__isnull=True)
    )
    due = Q(status=NoticeStatus.FAILED) & (Q(next_try_at__lte=now) | Q(next_try_at__isnull=True))
    resent = 0
    candidates = CitizenNotice.objects.filter(stuck | due).order_by("pk")
    for notice_id, status, attempts in candidates.values_list("pk", "status", "attempts"):
        still = CitizenNotice.objects.filter(pk=notice_id).filter(stuck | due)
        if attempts >= MAX_ATTEMPTS:
            _give_up(still, notice_id=notice_id)
        elif _claim_again(still, notice_id=notice_id, was=status):
            _hand_to_gateway(notice_id=notice_id)
            resent += 1
    return resent


def _claim_again(still: "QuerySet[CitizenNotice]", *, notice_id: int, was: str) -> bool:
    with transaction.atomic():
        if not _claim(still):
            return False  # another run took it, or it was delivered meanwhile
        notice = CitizenNotice.objects.get(pk=notice_id)
        audit_record(
            actor=None,
            action="citizen.notice_resend",
            object_type="citizens.citizennotice",
            object_id=notice.pk,
            region_code=notice.region_code,
            changes={"was": was, "attempt": notice.attempts, "kind": notice.kind},
        )
    return True


def _give_up(still: "QuerySet[CitizenNotice]", *, notice_id: int) -> None:
    with transaction.atomic():
        if still.update(status=NoticeStatus.GIVEN_UP, next_try_at=None):
            _audit_outcome(CitizenNotice.objects.get(pk=notice_id))
