"""Outreach (政策找人): the rules run over the area's households find those that appear to
qualify for dibao or tekun and are neither enrolled nor applying. Each is listed with the
rules' reason; a caseworker starts an application in one click, or records that the household
was contacted, declined, or is not eligible after all (a marked household is not listed again)."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from huimin.casework.assessment import payment_month
from huimin.casework.models import (
    Application,
    ApplicationStatus,
    Channel,
    Entitlement,
    OutreachCandidate,
    OutreachStatus,
    Program,
)
from huimin.casework.services._common import _require, _today
from huimin.casework.services.applications import application_create
from huimin.casework.services.reviews import RUNNING
from huimin.core.access import scope
from huimin.core.audit import audit_record
from huimin.core.errors import Conflict, ValidationFailed
from huimin.core.models import User
from huimin.programs.evaluation import period_from
from huimin.programs.frames import population_from_registry
from huimin.programs.parameters import live_parameters
from huimin.registry.models import Household
from huimin.rules import explain
from huimin.rules.engine import evaluate

PROGRAMS = (Program.DIBAO,)  # household-level; tekun is assessed per person (not yet here)
EXPLAINED_AT_MOST = 300  # per run: each listed household is explained once


def audit(
    actor: User, action: str, candidate: OutreachCandidate, changes: dict[str, Any], request: Any
) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type="casework.outreachcandidate",
        object_id=candidate.pk,
        region_code=candidate.region_code,
        changes={"household": candidate.household_id, "program": candidate.program, **changes},
        request=request,
    )


@transaction.atomic
def outreach_run(
    *, actor: User, on: dt.date | None = None, request: HttpRequest | None = None
) -> list[OutreachCandidate]:
    """Find the candidates in the actor's area; returns the ones newly listed."""
    _require(actor, "casework.take_application")
    on = on or _today()
    month = period_from(payment_month(on).strftime("%Y-%m"))
    households = scope(Household.objects.all(), actor)
    population = population_from_registry(households, as_of=month.end)
    if population.n_households == 0:
        return []
    parameters = live_parameters()
    results = evaluate(population, month, parameters, programs=list(PROGRAMS))
    ids = population.households["household_id"].to_list()
    regions = population.households["region_code"].to_list()
    enrolled = set(
        scope(Entitlement.objects.filter(status__in=[*RUNNING, "suspended"]), actor).values_list(
            "household_id", "program"
        )
    )
    applying = set(
        scope(
            Application.objects.filter(
                status__in=[ApplicationStatus.IN_PROGRESS, ApplicationStatus.SUSPENDED]
            ),
            actor,
        ).values_list("household_id", "program")
    )
    listed = set(
        scope(OutreachCandidate.objects.all(), actor).values_list("household_id", "program")
    )
    made: list[OutreachCandidate] = []
    for program in PROGRAMS:
        frame = results.get(program)
        if frame is None:
            continue
        for idx, amount in (
            frame.filter(frame["eligible"]).select("household_idx", "amount_fen").iter_rows()
        ):
            key = (ids[idx], program)
            if key in enrolled or key in applying or key in listed:
                continue
            if len(made) >= EXPLAINED_AT_MOST:
                break
            entry = explain(population, month, parameters, household_idx=idx, programs=[program])
            row = entry.programs[program][0] if entry.programs.get(program) else None
            made.append(
                OutreachCandidate(
                    household_id=ids[idx],
                    program=program,
                    region_code=regions[idx],
                    found_on=on,
                    amount_fen=int(amount or 0),
                    reason=_reason(row),
                )
            )
    OutreachCandidate.objects.bulk_create(made)
    audit_record(
        actor=actor,
        action="casework.outreach_run",
        object_type="casework.outreachcandidate",
        object_id="",
        region_code="",
        changes={"found": len(made), "month": payment_month(on).strftime("%Y-%m")},
        request=request,
    )
    return made


def _reason(row: Any) -> dict[str, Any]:
    if row is None:
        return {}
    return {
        "computation_zh": getattr(row, "computation_zh", ""),
        "computation_en": getattr(row, "computation_en", ""),
        "criteria": [
            {"zh": c.zh, "en": c.en, "passed": bool(c.passed)} for c in getattr(row, "criteria", ())
        ],
    }


@transaction.atomic
def outreach_mark(
    *,
    actor: User,
    candidate: OutreachCandidate,
    outcome: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> OutreachCandidate:
    """Contacted, declined, or not eligible after all (the last two need a note)."""
    _require(actor, "casework.take_application")
    candidate = OutreachCandidate.objects.select_for_update().get(pk=candidate.pk)
    allowed = (OutreachStatus.CONTACTED, OutreachStatus.DECLINED, OutreachStatus.NOT_ELIGIBLE)
    if outcome not in allowed:
        raise ValidationFailed(_("Choose what came of the contact."), field="outcome")
    if candidate.status not in (OutreachStatus.OPEN, OutreachStatus.CONTACTED):
        raise Conflict(_("This household was already dealt with."))
    if outcome != OutreachStatus.CONTACTED and not note.strip():
        raise ValidationFailed(_("Write down why."), field="note")
    before = candidate.status
    candidate.status, candidate.note, candidate.updated_by = outcome, note.strip(), actor
    candidate.save(update_fields=["status", "note", "updated_by"])
    audit(actor, "casework.outreach_mark", candidate, {"status": [before, outcome]}, request)
    return candidate


@transaction.atomic
def outreach_apply(
    *, actor: User, candidate: OutreachCandidate, request: HttpRequest | None = None
) -> Application:
    """Start the application for the household, on the village helper's channel."""
    candidate = OutreachCandidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status not in (OutreachStatus.OPEN, OutreachStatus.CONTACTED):
        raise Conflict(_("This household was already dealt with."))
    household = candidate.household
    head = household.members.filter(relation="head", death_date__isnull=True).first()
    if head is None:
        raise Conflict(_("The household has no living head to apply."))
    application = application_create(
        actor=actor,
        household=household,
        applicant=head,
        program=candidate.program,
        channel=Channel.VILLAGE_HELPER,
        statement=_("Found by outreach: the rules say the household appears to qualify."),
        request=request,
    )
    candidate.status, candidate.application, candidate.updated_by = (
        OutreachStatus.APPLIED,
        application,
        actor,
    )
    candidate.save(update_fields=["status", "application", "updated_by"])
    audit(actor, "casework.outreach_apply", candidate, {"application": application.pk}, request)
    return application
