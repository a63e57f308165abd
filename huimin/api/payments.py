"""Payments over JSON: read payroll cycles and their lines, a household's payment history, and
the allocations with what they have committed and paid out.

Read-only: the payroll's states change on its pages, through the same services. Outside the
caller's jurisdiction a cycle or a household answers 404.
"""

from datetime import date
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from huimin.api.schema import REGION_CODE_PATTERN, errors
from huimin.casework.models import Program
from huimin.core.errors import NotAllowed
from huimin.core.models import User
from huimin.payments import access
from huimin.payments.models import Allocation, PaymentLine, PayrollCycle
from huimin.payments.queries import (
    Spending,
    allocation_cycles,
    allocations_spending,
    history_of_household,
)
from huimin.payments.services import ALLOCATION_YEARS

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


class AllocationOut(Schema):
    id: int
    program: str
    region_code: str
    year: int
    central_fen: int
    provincial_fen: int
    local_fen: int
    total_fen: int
    committed_fen: int  # by approved payrolls, as the approval counts it
    disbursed_fen: int  # paid: confirmed by the bank or handed over in cash
    remaining_fen: int  # total less committed; below zero when overspent by an override


class AllocationCycleOut(Schema):
    id: int
    region_code: str
    month: str
    kind: str
    status: str
    lines: int
    to_pay_fen: int
    committed_fen: int
    disbursed_fen: int


class AllocationDetailOut(AllocationOut):
    cycles: list[AllocationCycleOut]


def _user(request: HttpRequest) -> User:
    if not request.user.has_perm("payments.view_payrollcycle"):
        raise NotAllowed(_("Your role does not allow you to see payrolls."))
    return request.user  # type: ignore[return-value]


def _allocations_user(request: HttpRequest) -> User:
    if not request.user.has_perm("payments.view_allocation"):
        raise NotAllowed(_("Your role does not allow you to see allocations."))
    return request.user  # type: ignore[return-value]


def _allocation_out(allocation: Allocation, spending: Spending) -> dict:
    return {
        "id": allocation.pk,
        "program": allocation.program,
        "region_code": allocation.region_code,
        "year": allocation.year,
        "central_fen": allocation.central_fen,
        "provincial_fen": allocation.provincial_fen,
        "local_fen": allocation.local_fen,
        "total_fen": allocation.total_fen,
        "committed_fen": spending.committed_fen,
        "disbursed_fen": spending.disbursed_fen,
        "remaining_fen": spending.remaining_fen,
    }


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


@router.get(
    "/allocations",
    response={200: list[AllocationOut], **errors()},
    summary="Allocations in the caller's jurisdiction, with what is committed and paid out",
)
def allocation_list(
    request: HttpRequest,
    year: Annotated[int, Query(ge=ALLOCATION_YEARS.start, le=ALLOCATION_YEARS.stop - 1)]
    | None = None,
    program: Program | None = None,
    region: Annotated[str, Query(pattern=REGION_CODE_PATTERN)] | None = None,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> list[dict]:
    found = access.allocations_for(_allocations_user(request))
    if year is not None:
        found = found.filter(year=year)
    if program is not None:
        found = found.filter(program=program)
    if region is not None:
        found = found.filter(region_code__startswith=region)
    start = (page - 1) * PAGE_SIZE
    allocations = list(
        found.order_by("-year", "region_code", "program", "pk")[start : start + PAGE_SIZE]
    )
    spending = allocations_spending(allocations)
    return [_allocation_out(a, spending[a.pk]) for a in allocations]


@router.get(
    "/allocations/{allocation_id}",
    response={200: AllocationDetailOut, **errors(404)},
    summary="One allocation with the payrolls that draw on it (a page of them, newest first)",
)
def allocation_read(
    request: HttpRequest,
    allocation_id: int,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> dict:
    user = _allocations_user(request)
    allocation = access.get_allocation_for(user, allocation_id)
    start = (page - 1) * PAGE_SIZE
    draws = allocation_cycles(allocation, access.cycles_for(user))[start : start + PAGE_SIZE]
    cycles = [
        {
            "id": draw.cycle.pk,
            "region_code": draw.cycle.region_code,
            "month": f"{draw.cycle.month:%Y-%m}",
            "kind": draw.cycle.kind,
            "status": draw.cycle.status,
            "lines": draw.lines,
            "to_pay_fen": draw.to_pay_fen,
            "committed_fen": draw.committed_fen,
            "disbursed_fen": draw.disbursed_fen,
        }
        for draw in draws
    ]
    spending = allocations_spending([allocation])[allocation.pk]
    return {**_allocation_out(allocation, spending), "cycles": cycles}
