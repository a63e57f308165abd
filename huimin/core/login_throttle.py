"""Throttling of failed logins: one user name attacked from anywhere, and one address spraying.

django-axes counts failures per lockout parameter (`AXES_LOCKOUT_PARAMETERS`), but compares
every count with one limit. A password spray tries a few passwords on many user names from one
address, so the address needs a limit of its own, higher than a user name's: an office's shared
computer sees its staff's typos too. This handler counts both and locks when either is reached:

- a user name: `AXES_FAILURE_LIMIT` failures within the cool-off time, from any address;
- an address: `HUIMIN_LOGIN_ADDRESS_FAILURE_LIMIT` failures within it, whatever the user names.

A successful login clears only that user name's failures: a sprayer who guesses one password
does not wipe the count of the address.
"""

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

LOCKED_BY_ADDRESS = "address"


class LoginThrottle(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """The failures counted against this login: the user name's, or the limit itself once
        the address has reached its own (so that axes, comparing with its one limit, locks)."""
        by_name, by_address = self.failure_counts(request, credentials)
        if by_address >= settings.HUIMIN_LOGIN_ADDRESS_FAILURE_LIMIT:
            request.huimin_locked_by = LOCKED_BY_ADDRESS  # type: ignore[attr-defined]
            return max(by_name, get_failure_limit(request, credentials))
        return by_name

    def failure_counts(self, request: HttpRequest, credentials: dict | None) -> tuple[int, int]:
        attempts = AccessAttempt.objects.all()
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        address = getattr(request, "axes_ip_address", None)
        by_name = _sum(attempts.filter(username=username)) if username else 0
        by_address = _sum(attempts.filter(ip_address=address)) if address else 0
        return by_name, by_address

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _deleted = AccessAttempt.objects.filter(username=username).delete()
        return count


def _sum(attempts: Any) -> int:
    return int(attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0)
