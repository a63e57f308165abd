"""An application's steps in plain words for the person who applied."""

import datetime as dt
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from huimin.casework.models import Application, StepStatus

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
