"""Policy as code over the API: evaluate households posted as JSON, explain a registry household."""

from dataclasses import asdict
from datetime import date
from typing import Annotated, Any

import polars as pl
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from huimin.api.schema import Month, errors
from huimin.core.errors import NotAllowed, ValidationFailed
from huimin.core.http import AuthedRequest
from huimin.programs.evaluation import (
    household_excluded_incomes,
    household_explain,
    period_from,
)
from huimin.programs.parameters import live_parameters
from huimin.registry.access import get_household_for
from huimin.rules import RulesError, evaluate, explain, frames_from_records

router = Router(tags=["programs"])
MAX_BATCH = 10_000


class ParameterUseOut(Schema):
    name: str
    value: Any
    start: date
    region: str
    unit: str
    source: str
    origin: str


class CriterionOut(Schema):
    name: str
    passed: bool
    value: Any
    op: str | None
    threshold: Any
    unit: str
    clause: str
    zh: str
    en: str
    parameters: list[ParameterUseOut]


class ProgramOut(Schema):
    program: str
    title_zh: str
    title_en: str
    level: str
    person_id: int | None
    eligible: bool
    amount_fen: int
    criteria: list[CriterionOut]
    computation_zh: str
    computation_en: str
    parameters: list[ParameterUseOut]


class ConflictOut(Schema):
    person_id: int
    programs: list[str]
    source: str
    zh: str
    en: str


class ExcludedIncomeOut(Schema):
    income_id: int
    person_id: int
    person_name: str
    income_type: str
    income_type_label: str
    monthly_fen: int
    reason: str


class ExplanationOut(Schema):
    period: str
    household_id: int
    programs: dict[str, list[ProgramOut]]
    conflicts: list[ConflictOut]
    # registry households only: incomes of the month a caseworker excluded, with the reason
    excluded_incomes: list[ExcludedIncomeOut] = []


class EvaluateIn(Schema):
    """One household as the rules read it (see `rules/`), and the month to evaluate."""

    period: Month
    household: dict[str, Any]


class EvaluateBatchIn(Schema):
    period: Month
    households: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=MAX_BATCH)]


class BatchRowOut(Schema):
    household_id: int
    person_id: int | None = None
    eligible: bool
    amount_fen: int


@router.post(
    "/evaluate",
    response={200: ExplanationOut, **errors(body=True)},
    summary="Evaluate and explain one household posted as JSON",
)
def evaluate_one(request: AuthedRequest, body: EvaluateIn) -> dict:
    month = period_from(body.period)
    try:
        return explain(body.household, month, live_parameters()).to_dict()
    except RulesError as error:
        raise ValidationFailed(str(error), field="household") from error


@router.post(
    "/evaluate-batch",
    response={200: dict[str, list[BatchRowOut]], **errors(body=True)},
    summary="Eligibility and amount per program for up to 10,000 households",
)
def evaluate_batch(request: AuthedRequest, body: EvaluateBatchIn) -> dict:
    month = period_from(body.period)
    try:
        results = evaluate(frames_from_records(body.households), month, live_parameters())
    except RulesError as error:
        raise ValidationFailed(str(error), field="households") from error
    return {name: _rows(frame) for name, frame in results.items()}


def _rows(frame: pl.DataFrame) -> list[dict]:
    columns = [
        c for c in ("household_id", "person_id", "eligible", "amount_fen") if c in frame.columns
    ]
    return frame.select(columns).to_dicts()


@router.get(
    "/households/{household_id}/explain",
    response={200: ExplanationOut, **errors(404)},
    summary="Explain every program's decision for a registry household",
)
def explain_household(
    request: AuthedRequest, household_id: int, period: Month | None = None
) -> dict:
    """`period` defaults to the current month. Needs `registry.view_household`, as the
    eligibility page does: the explanation shows the household's members and incomes."""
    if not request.user.has_perm("registry.view_household"):
        raise NotAllowed(_("Your role may not see households."))
    household = get_household_for(request.user, household_id)
    month = period or timezone.localdate().strftime("%Y-%m")
    explanation = household_explain(household=household, period=month).to_dict()
    excluded = household_excluded_incomes(household=household, period=month)
    return {**explanation, "excluded_incomes": [asdict(income) for income in excluded]}
