"""What every request shares: the type of a signed-in request, and NUL bytes refused at the door."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

from huimin.core.models import User
from huimin.core.text import NUL


class AuthedRequest(HttpRequest):
    """A request behind login_required: its user is a staff `User`, never anonymous."""

    user: User  # type: ignore[assignment]


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def nul_field(request: HttpRequest) -> str | None:
    """The name of the first query parameter or form field holding a NUL byte, if any.

    Uploaded files are not text and are left to their importers; JSON bodies are checked by the
    API's schemas. (Reading the form here costs nothing: the CSRF check reads it anyway.)
    """
    sources = [request.GET]
    if request.method == "POST" and request.content_type in FORM_TYPES:
        sources.append(request.POST)
    for source in sources:
        for name, values in source.lists():
            if NUL in name or any(NUL in value for value in values):
                return name.replace(NUL, "\\x00")
    return None


class RefuseNulBytesMiddleware:
    """Answer 400 naming the field to text holding a NUL byte, which PostgreSQL cannot store.

    Forms refuse it field by field; this stops it in parameters that views read directly (a
    page number, a search or export query) before it reaches the database on any route.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = nul_field(request)
        if field is None:
            return self.get_response(request)
        message = _("“%(field)s”: a NUL character (\\x00) is not allowed in text") % {
            "field": field
        }
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "field": field}, status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
