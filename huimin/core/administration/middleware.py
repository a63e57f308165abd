from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# What a user who must change their password may still reach: the change itself, logging out,
# the language switch and the static files; the API answers tokens, not sessions.
ALLOWED_PREFIXES = ("/static/", "/i18n/", "/api/")


class PasswordChangeRequiredMiddleware:
    """After an administrator reset the password, the user changes it before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and request.path not in (reverse("account-password"), reverse("logout"))
            and not request.path.startswith(ALLOWED_PREFIXES)
        ):
            return redirect("account-password")
        return self.get_response(request)
