"""The exceptions Huimin raises for a person to read.

Every error a user can cause is a `HuiminError` with a message that names what is wrong; views and
the API turn it into a form error or a 400/409 response. Nothing returns errors as values.
"""


class HuiminError(Exception):
    """A refusal a user should see: the message says what is wrong and, where possible, how to fix it."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(HuiminError):
    """Input that breaks a rule; `field` names the offending field when there is one."""


class Conflict(HuiminError):
    """The change clashes with the current state of a record (a duplicate, a stale version)."""

    status_code = 409


class NotAllowed(HuiminError):
    """The user may see the record but not do this to it (e.g. approve their own work)."""

    status_code = 403


class NotAuthenticated(HuiminError):
    """The credentials given are no longer good (an expired API token): sign in again."""

    status_code = 401


class TooManyAttempts(HuiminError):
    """The user has tried this too often in too short a time; they may try again later."""

    status_code = 429
