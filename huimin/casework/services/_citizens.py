"""Telling the family: casework calls the citizens app's notices explicitly, in the transaction
of the change (no signal). Named late, not at the top: the citizens app reads casework, so
casework names it only when a notice is due (as the registry names casework)."""

import datetime as dt

from django.apps import apps

from huimin.casework.models import Application, Decision, Step


def _citizens_installed() -> bool:
    return apps.is_installed("huimin.citizens")


def tell_citizens_step_opened(application: Application, step: Step) -> None:
    if _citizens_installed():
        from huimin.citizens.services.notices import notify_step_opened

        notify_step_opened(application=application, step=step)


def tell_citizens_paused(application: Application) -> None:
    if _citizens_installed():
        from huimin.citizens.services.notices import notify_application_paused

        notify_application_paused(application=application)


def tell_citizens_decided(application: Application, decision: Decision) -> None:
    if _citizens_installed():
        from huimin.citizens.services.notices import notify_decision

        notify_decision(application=application, decision=decision)


def tell_citizens_reviews_due(on: dt.date) -> int:
    if not _citizens_installed():
        return 0
    from huimin.citizens.services.notices import notify_reviews_due

    return notify_reviews_due(on=on)


def tell_citizens_again() -> int:
    """The texts that did not go out (the gateway refused, or a worker died while sending)."""
    if not _citizens_installed():
        return 0
    from huimin.citizens.services.notices import notices_resend_due

    return notices_resend_due()
