"""The JSON API under /api/v1/: thin doors onto the same services as the pages."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from huimin.api import core, programs, registry
from huimin.api.auth import API_AUTH
from huimin.core.errors import HuiminError

api = NinjaAPI(
    title="Huimin API",
    version="1",
    description="Registry, casework, payments and policy for social assistance. "
    "Every route answers only within the caller's jurisdiction; outside it, 404.",
    auth=API_AUTH,
    urls_namespace="api",
)


@api.exception_handler(HuiminError)
def huimin_error(request: HttpRequest, error: HuiminError) -> HttpResponse:
    return api.create_response(
        request, {"detail": error.message, "field": error.field}, status=error.status_code
    )


api.add_router("/", core.router)
api.add_router("/registry", registry.router)
api.add_router("/programs", programs.router)
