"""The exceptions Huimin raises for a person to read.

Every error a user can cause is a `HuiminError` with a message that names what is wrong; views and
the API turn it into a form error or a 400/409 response. Nothing returns errors as values.
"""

from collections.abc import Iterator
from contextlib import contextmanager


class HuiminError(Exception):
    """A refusal a user should see: the message says what is wrong and, where possible, how to fix it."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(HuiminError):
    """Input that breaks a rule; `field` names the offending field when there is one.

    One refusal may carry several problems (`errors`, each a field and its message) so that a
    form shows every mistake at once; `message` and `field` are then those of them all / the first.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        errors: list[tuple[str | None, str]] | None = None,
    ) -> None:
        super().__init__(message, field=field)
        self.errors = errors or [(field, message)]

    @classmethod
    def several(cls, problems: "list[ValidationFailed]") -> "ValidationFailed":
        errors = [error for problem in problems for error in problem.errors]
        if len(errors) == 1:
            return problems[0]
        return cls("; ".join(message for _, message in errors), field=errors[0][0], errors=errors)


class Problems:
    """Runs several checks and refuses once with every problem found.

    problems = Problems()
    with problems.check():
        check_a()
    with problems.check():
        check_b()
    problems.raise_any()
    """

    def __init__(self) -> None:
        self.found: list[ValidationFailed] = []

    @contextmanager
    def check(self) -> Iterator[None]:
        try:
            yield
        except ValidationFailed as problem:
            self.found.append(problem)

    def __bool__(self) -> bool:
        return bool(self.found)

    def raise_any(self) -> None:
        if self.found:
            raise ValidationFailed.several(self.found)


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
