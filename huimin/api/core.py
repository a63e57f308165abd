"""Who am I, the regions I work in, and my jobs."""

from datetime import datetime

from ninja import Router, Schema

from huimin.api.schema import RegionCode, errors
from huimin.core import access, services
from huimin.core.http import AuthedRequest
from huimin.core.models import Job, Region
from huimin.core.roles import roles_of

router = Router(tags=["core"])


class RegionOut(Schema):
    code: str
    level: str
    name_zh: str
    name_en: str


class MeOut(Schema):
    username: str
    full_name: str
    roles: list[str]
    regions: list[RegionOut]


class JobOut(Schema):
    id: int
    kind: str
    title: str
    status: str
    done: int
    total: int
    percent: int
    message: str
    outcome: dict
    can_retry: bool
    created_at: datetime
    finished_at: datetime | None


@router.get(
    "/me", response={200: MeOut, **errors()}, summary="The current user, roles and jurisdictions"
)
def me(request: AuthedRequest) -> dict:
    user = request.user
    return {
        "username": user.get_username(),
        "full_name": getattr(user, "full_name", ""),
        "roles": roles_of(user),
        "regions": list(user.jurisdictions.order_by("code")),
    }


@router.get(
    "/regions",
    response={200: list[RegionOut], **errors()},
    summary="Regions within my jurisdiction",
)
def regions(request: AuthedRequest, parent: RegionCode | None = None) -> list[Region]:
    queryset = access.scope(Region.objects.all(), request.user, field="code")
    if parent:
        queryset = queryset.filter(parent__code=parent)
    return list(queryset[:2000])


@router.get("/jobs", response={200: list[JobOut], **errors()}, summary="My jobs, newest first")
def jobs(request: AuthedRequest) -> list[Job]:
    services.job_interrupt_lapsed(owner=request.user)
    return list(Job.objects.filter(owner=request.user)[:100])


@router.get(
    "/jobs/{job_id}",
    response={200: JobOut, **errors(404)},
    summary="One of my jobs, with its progress",
)
def job(request: AuthedRequest, job_id: int) -> Job:
    services.job_interrupt_lapsed(owner=request.user, job_id=job_id)
    return access.get_own_object(request.user, Job.objects.all(), pk=job_id)


@router.post(
    "/jobs/{job_id}/retry",
    response={200: JobOut, **errors(404, 409)},
    summary="Start one of my interrupted jobs again (its worker stopped), with the same arguments",
)
def job_retry(request: AuthedRequest, job_id: int) -> Job:
    access.get_own_object(request.user, Job.objects.all(), pk=job_id)
    return services.job_retry(actor=request.user, job_id=job_id)
