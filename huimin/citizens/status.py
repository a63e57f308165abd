"""What the family sees of its case: each application's steps in plain words, and the
payments made to it."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from huimin.casework.models import Application, StepStatus
from huimin.payments.banking.returns import reason_words
from huimin.payments.models import LineStatus, PaymentLine

PLAIN_STEPS: dict[str, Promise] = {
    "verification": _(
        "We check your family's income and savings with the banks and other offices."
    ),
    "home_visit": _("Two staff visit your home and fill in a form with you."),
    "appraisal": _("The village or community discusses the application at a meeting."),
    "township_opinion": _("The township gives its opinion to the county."),
    "public_notice": _("The result is posted in your village for 7 days; anyone may object."),
    "decision": _("The county decides and writes to you."),
    "letter": _("You receive the decision letter."),
    "entitlement": _("Payment is set up, from the month after approval."),
}

STATE_WORDS: dict[str, Promise] = {
    StepStatus.WAITING: pgettext_lazy("step of an application", "later"),
    StepStatus.OPEN: pgettext_lazy("step of an application", "now"),
    StepStatus.DONE: pgettext_lazy("step of an application", "done"),
    StepStatus.CANCELLED: pgettext_lazy("step of an application", "not needed"),
}


@dataclass(frozen=True)
class StepLine:
    kind: str
    words: Promise
    state: Promise
    current: bool
    due_date: dt.date | None
    provisional: bool


def step_words(application: Application) -> list[StepLine]:
    """Every step of the application (prefetched `steps`, in order) as a line for the citizen."""
    return [
        StepLine(
            kind=step.kind,
            words=PLAIN_STEPS.get(step.kind, step.get_kind_display()),  # type: ignore[arg-type]
            state=STATE_WORDS[step.status],
            current=step.status == StepStatus.OPEN,
            due_date=step.due_date,
            provisional=step.due_provisional,
        )
        for step in application.steps.all()
    ]


# Payments received ---------------------------------------------------------------------------

PAYMENT_WORDS: dict[str, Promise] = {
    "paid": pgettext_lazy("payment to a family", "paid"),
    "on_its_way": pgettext_lazy("payment to a family", "on its way"),
    "cash": pgettext_lazy("payment to a family", "to be handed over in cash"),
    "failed": pgettext_lazy("payment to a family", "failed"),
    "returned": pgettext_lazy("payment to a family", "returned by the bank"),
}
AGAIN = _("It is paid again in a later month.")
PAYMENT_ROWS = 24  # two years of monthly payments


@dataclass(frozen=True)
class PaymentRow:
    month: dt.date
    program: str
    amount_fen: int
    channel: str
    status: str  # a key of PAYMENT_WORDS
    words: Promise
    note: str


def _payment_status(line: PaymentLine) -> tuple[str, str]:
    """What the family needs to know of a line: paid, on its way, failed (why) or returned."""
    if line.status == LineStatus.PAID:
        return "paid", ""
    if line.status in (LineStatus.PENDING, LineStatus.SENT):
        return "on_its_way", ""
    if line.status == LineStatus.CASH and not line.reason:
        return "cash", ""
    status = "returned" if line.reason == "reversed" else "failed"
    if line.status in (LineStatus.REISSUE, LineStatus.CLEARED):
        return status, str(AGAIN)
    if line.status == LineStatus.CASH:
        return status, str(PAYMENT_WORDS["cash"])
    return status, reason_words(line.reason) if line.reason != "reversed" else ""


def payment_rows(lines: Iterable[PaymentLine]) -> list[PaymentRow]:
    rows = []
    for line in lines:
        status, note = _payment_status(line)
        rows.append(
            PaymentRow(
                month=line.month,
                program=line.get_program_display(),
                amount_fen=line.amount_fen,
                channel=line.get_channel_display(),
                status=status,
                words=PAYMENT_WORDS[status],
                note=note,
            )
        )
    return rows
