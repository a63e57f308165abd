"""The rules engine on an application's facts: the registry as verified, plus what casework holds.

The registry does not hold an emergency or a disaster's damage; the application does, so those
columns of the household's frame come from here (who is on dibao comes from `casework.feeds`,
through the frames).
"""

import datetime as dt
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from huimin.casework.models import Application, Decision, Review
from huimin.core.errors import ValidationFailed
from huimin.programs.evaluation import period_from
from huimin.programs.frames import population_from_registry
from huimin.programs.parameters import live_parameters
from huimin.registry.models import Household
from huimin.rules import Population, RulesError, explain
from huimin.rules.explain import CriterionResult, ParameterUse, ProgramExplanation
from huimin.rules.letters import render_letter, render_review_letter


def application_frame_columns(application: Application) -> dict[str, object]:
    """The application's own facts: they replace whatever another application of the month
    gave the frame (`on_dibao` comes from the frames, as of the month assessed)."""
    return {
        "emergency_kind": application.emergency_kind,
        "emergency_expense_fen": application.emergency_expense_fen,
        "disaster_deaths": application.disaster_deaths,
        "disaster_home_destroyed": application.disaster_home_destroyed,
        "disaster_transitional_days": application.disaster_transitional_days,
    }


def payment_month(decided_on: dt.date) -> dt.date:
    """Payment starts the month after the approval (POLICY.md): its first day."""
    return dt.date(decided_on.year + decided_on.month // 12, decided_on.month % 12 + 1, 1)


def application_explain(*, application: Application, on: dt.date) -> ProgramExplanation:
    """The program's explanation for this application if decided on `on`: for the month its
    payment would start (the month after), with that month's standards, so that the letter's
    "approved from" month and amount are those of the entitlement."""
    month = period_from(payment_month(on).strftime("%Y-%m"))
    population = population_from_registry(
        Household.objects.filter(pk=application.household_id), as_of=month.end
    )
    if population.n_households == 0:
        raise ValidationFailed(_("The household is closed: there is no one to assess."))
    columns = application_frame_columns(application)
    households = population.households.with_columns(
        [
            pl.lit(value).cast(population.households.schema[name]).alias(name)
            for name, value in columns.items()
        ]
    )
    population = Population(households, population.persons, population.incomes)
    try:
        explanation = explain(population, month, live_parameters(), programs=[application.program])
    except RulesError as error:
        raise ValidationFailed(str(error)) from error
    entries = explanation.programs[application.program]
    for entry in entries:
        if entry.person_id in (None, application.applicant_id):
            return entry
    raise ValidationFailed(
        _("The rules give no result for %(name)s in this program.")
        % {"name": application.applicant.name}
    )


def _use(raw: dict[str, Any]) -> ParameterUse:
    return ParameterUse(**{**raw, "start": dt.date.fromisoformat(str(raw["start"]))})


def stored_explanation(raw: dict[str, Any]) -> ProgramExplanation:
    """A decision's explanation as it was stored (JSON) back as the rules' object, for its letter."""
    criteria = tuple(
        CriterionResult(**{**c, "parameters": tuple(_use(p) for p in c["parameters"])})
        for c in raw["criteria"]
    )
    return ProgramExplanation(
        **{
            **raw,
            "criteria": criteria,
            "parameters": tuple(_use(p) for p in raw["parameters"]),
        }
    )


def letter_text(decision: Decision, lang: str) -> str:
    """The decision letter, from the explanation frozen with the decision."""
    application = decision.application
    return render_letter(
        stored_explanation(decision.explanation),
        lang,
        office=decision.office_name,
        date=decision.decided_on,
        number=decision.letter_number,
        addressee=application.applicant.name,
    )


def review_letter_text(review: Review, lang: str) -> str:
    """The letter of a decided review, from the explanation and facts frozen with it."""
    facts = review.letter_facts
    application = review.entitlement.decision.application
    return render_review_letter(
        stored_explanation(review.explanation),
        lang,
        outcome=facts["outcome"],
        office=review.office_name,
        date=dt.date.fromisoformat(facts["decided_on"]),
        number=review.letter_number,
        addressee=application.applicant.name,
        monthly_fen=facts["monthly_fen"],
        was_fen=facts["was_fen"],
        start=facts["start"],
        end=facts["end"],
        note=review.note,
    )
