"""The JSON API under /api/v1/: thin doors onto the same services as the pages.

Every refusal has the one body `schema.ErrorOut`: a service's `HuiminError` (400, 403, 409), input
that does not match the document (422, each invalid field named), 401, 404, and a body larger
than Django accepts (413).
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError

from huimin.api import casework, core, payments, programs, registry
from huimin.api.auth import API_AUTH
from huimin.core.errors import HuiminError, ValidationFailed

api = NinjaAPI(
    title="Huimin API",
    version="1",
    description="Registry, casework, payments and policy for social assistance. "
    "Every route answers only within the caller's jurisdiction; outside it, 404. "
    "Every refusal has the body `ErrorOut`.",
    auth=API_AUTH,
    urls_namespace="api",
)


@api.exception_handler(HuiminError)
def huimin_error(request: HttpRequest, error: HuiminError) -> HttpResponse:
    body: dict = {"detail": error.message, "field": error.field}
    if isinstance(error, ValidationFailed):  # every problem found, each with its field
        body["errors"] = [{"field": field, "message": message} for field, message in error.errors]
    return api.create_response(request, body, status=error.status_code)


@api.exception_handler(RequestDataTooBig)
def body_too_big(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
    message = _("the request body is larger than %(n)s bytes") % {
        "n": f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,}"
    }
    return api.create_response(request, {"detail": message, "field": None}, status=413)


def _field_name(location: tuple | list) -> str | None:
    """("body", "payload", "members", 0, "name") -> "members.0.name"; ("query", "page") -> "page"."""
    where, *path = [str(part) for part in location]
    if where == "body" and len(path) > 1:
        path = path[1:]  # the name of the view's body parameter means nothing to a client
    return ".".join(path) or None


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, error: ValidationError) -> HttpResponse:
    issues = [
        {"field": _field_name(issue.get("loc", ())), "message": str(issue.get("msg", ""))}
        for issue in error.errors
    ]
    first = issues[0] if issues else {"field": None, "message": "invalid input"}
    detail = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
    return api.create_response(
        request, {"detail": detail, "field": first["field"], "errors": issues}, status=422
    )


api.add_router("/", core.router)
api.add_router("/registry", registry.router)
api.add_router("/programs", programs.router)
api.add_router("/casework", casework.router)
api.add_router("/payments", payments.router)
