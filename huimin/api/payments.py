"""Payments over JSON: read payroll cycles and their lines, and a household's payment history.

Read-only: the payroll's states change on its pages, through the same services. Outside the
caller's jurisdiction a cycle or a household answers 404.
"""

from datetime import date
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from huimin.api.schema import errors
from huimin.core.errors import NotAllowed
from huimin.core.models import User
from huimin.payments import access
from huimin.payments.models import PaymentLine, PayrollCycle
from huimin.payments.queries import history_of_household

router = Router(tags=["payments"])
PAGE_SIZE = 100
MAX_PAGE = 10_000


class CycleOut(Schema):
    id: int
    region_code: str
    month: str
    kind: str
    programs: list[str]
    status: str
    line_count: int
    total_fen: int
    prepared_by: str
    approved_by: str | None


class LineOut(Schema):
    id: int
    cycle_id: int
    kind: str
    month: str
    program: str
    payee_name: str
    amount_fen: int
    channel: str
    status: str
    outcome: str


class CycleDetailOut(CycleOut):
    lines: list[LineOut]


def _user(request: HttpRequest) -> User:
    if not request.user.has_perm("payments.view_payrollcycle"):
        raise NotAllowed(_("Your role does not allow you to see payrolls."))
    return request.user  # type: ignore[return-value]


def _cycle_out(cycle: PayrollCycle) -> dict:
    return {
        "id": cycle.pk,
        "region_code": cycle.region_code,
        "month": f"{cycle.month:%Y-%m}",
        "kind": cycle.kind,
        "programs": cycle.programs,
        "status": cycle.status,
        "line_count": cycle.line_count,
        "total_fen": cycle.total_fen,
        "prepared_by": cycle.prepared_by.get_username(),
        "approved_by": cycle.approved_by.get_username() if cycle.approved_by else None,
    }


def _line_out(line: PaymentLine) -> dict:
    return {
        "id": line.pk,
        "cycle_id": line.cycle_id,
        "kind": line.kind,
        "month": f"{line.month:%Y-%m}",
        "program": line.program,
        "payee_name": line.payee.name,
        "amount_fen": line.amount_fen,
        "channel": line.channel,
        "status": line.status,
        "outcome": line.outcome,
    }


@router.get(
    "/cycles",
    response={200: list[CycleOut], **errors()},
    summary="Payroll cycles in the caller's jurisdiction, newest first",
)
def cycle_list(
    request: HttpRequest,
    month: date | None = None,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> list[dict]:
    found = access.cycles_for(_user(request)).select_related("prepared_by", "approved_by")
    if month is not None:
        found = found.filter(month=month.replace(day=1))
    start = (page - 1) * PAGE_SIZE
    return [_cycle_out(c) for c in found.order_by("-month", "-id")[start : start + PAGE_SIZE]]


@router.get(
    "/cycles/{cycle_id}",
    response={200: CycleDetailOut, **errors(404)},
    summary="One payroll cycle with its lines (a page of them)",
)
def cycle_read(
    request: HttpRequest, cycle_id: int, page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1
) -> dict:
    cycle = access.get_cycle_for(_user(request), cycle_id)
    start = (page - 1) * PAGE_SIZE
    lines = cycle.lines.select_related("payee").order_by("pk")[start : start + PAGE_SIZE]
    return {**_cycle_out(cycle), "lines": [_line_out(line) for line in lines]}


@router.get(
    "/households/{household_id}/payments",
    response={200: list[LineOut], **errors(404)},
    summary="A household's payment history: month, program, amount, channel, outcome",
)
def household_payments(
    request: HttpRequest, household_id: int, page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1
) -> list[dict]:
    household = access.get_household_for(_user(request), household_id)
    start = (page - 1) * PAGE_SIZE
    lines = history_of_household(household.pk).select_related("payee")[start : start + PAGE_SIZE]
    return [_line_out(line) for line in lines]
