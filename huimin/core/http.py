from django.http import HttpRequest

from huimin.core.models import User


class AuthedRequest(HttpRequest):
    """A request behind login_required: its user is a staff `User`, never anonymous."""

    user: User  # type: ignore[assignment]
