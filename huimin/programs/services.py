"""Writes of the programs app: parameter overrides, each validated by the rules engine and audited."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.core import access
from huimin.core.audit import audit_record
from huimin.core.errors import Conflict, NotAllowed, ValidationFailed
from huimin.core.models import User
from huimin.programs.access import proposals_for
from huimin.programs.effect import parameter_change_effect
from huimin.programs.models import ParameterOverride, ParameterProposal, ProposalStatus
from huimin.programs.parameters import live_parameters, reset_parameter_cache
from huimin.rules.errors import RulesError


@transaction.atomic
def parameter_override_create(
    *,
    actor: User | None,
    name: str,
    region: str,
    start: dt.date,
    value: Any,
    source: str,
    unit: str = "",
) -> ParameterOverride:
    if not source.strip():
        raise ValidationFailed("say which document sets this value", field="source")
    override = ParameterOverride(
        name=name,
        region=region,
        start=start,
        value=value,
        unit=unit,
        source=source.strip(),
        created_by=actor,
    )
    _check_with_engine(override)
    if ParameterOverride.objects.filter(
        name=name, region=region, start=start, retired_at__isnull=True
    ).exists():
        raise ValidationFailed(
            f"{name} already has a value for region “{region or '*'}” from {start}; retire it first",
            field="start",
        )
    override.save()
    audit_record(
        actor=actor,
        action="parameter.override",
        object_type="parameter_override",
        object_id=override.pk,
        region_code=region,
        changes={"name": name, "start": start.isoformat(), "value": value, "source": source},
    )
    transaction.on_commit(reset_parameter_cache)
    return override


@transaction.atomic
def parameter_override_retire(*, actor: User | None, override_id: int) -> None:
    override = ParameterOverride.objects.select_for_update().get(pk=override_id)
    if override.retired_at is not None:
        return
    override.retired_at = timezone.now()
    override.save(update_fields=["retired_at"])
    audit_record(
        actor=actor,
        action="parameter.retire",
        object_type="parameter_override",
        object_id=override.pk,
        region_code=override.region,
        changes={"name": override.name},
    )
    transaction.on_commit(reset_parameter_cache)


def _check_with_engine(override: ParameterOverride) -> None:
    """The engine is the judge of names and units: an unknown name is refused before it is saved."""
    try:
        live_parameters().with_overrides([override.as_record()])
    except RulesError as error:
        raise ValidationFailed(str(error), field="name") from error


@transaction.atomic
def parameter_proposal_create(
    *,
    actor: User,
    name: str,
    region: str,
    start: dt.date,
    value: Any,
    source: str,
    effect_period: str,
    note: str = "",
) -> ParameterProposal:
    """Propose a local value: checked by the engine, its effect computed and kept, in force
    only once someone else approves it."""
    from huimin.registry.models import Household  # programs reads the registry, never writes

    if not actor.has_perm("programs.propose_parameter"):
        raise NotAllowed(_("Your role may not propose parameter values."))
    if not region or not access.covers(actor, region):
        raise ValidationFailed(_("Choose a region within your jurisdiction."), field="region")
    if not source.strip():
        raise ValidationFailed(
            _("Give the reference of the document that sets this value (文号)."), field="source"
        )
    proposal = ParameterProposal(
        name=name,
        region=region,
        start=start,
        value=value,
        unit=live_parameters().definitions[name].unit if name in live_parameters().names() else "",
        source=source.strip(),
        note=note.strip(),
        effect_period=effect_period,
        proposed_by=actor,
    )
    _check_with_engine(ParameterOverride(**proposal.as_record()))
    households = access.scope(Household.objects.filter(region_code__startswith=region), actor)
    effect = parameter_change_effect(
        households=households, record=proposal.as_record(), period=effect_period
    )
    proposal.effect = effect.as_json()
    proposal.save()
    audit_record(
        actor=actor,
        action="parameter.propose",
        object_type="parameter_proposal",
        object_id=proposal.pk,
        region_code=region,
        changes={
            "name": name,
            "start": start.isoformat(),
            "value": value,
            "source": proposal.source,
            "effect": {
                "period": effect.period,
                "households": effect.households,
                "monthly_difference_fen": effect.monthly_difference_fen,
            },
        },
    )
    return proposal


def _decidable(actor: User, proposal_id: int) -> ParameterProposal:
    """The proposal, locked: whoever comes second waits here and then finds it decided."""
    proposal = proposals_for(actor).select_for_update().filter(pk=proposal_id).first()
    if proposal is None:
        raise Http404
    if not actor.has_perm("programs.approve_parameter"):
        raise NotAllowed(_("Your role may not approve parameter values."))
    if proposal.status != ProposalStatus.PROPOSED:
        raise Conflict(_("This proposal has already been decided."))
    if proposal.proposed_by_id == actor.pk:
        raise NotAllowed(_("You proposed this value: a second person must approve or reject it."))
    return proposal


@transaction.atomic
def parameter_proposal_approve(*, actor: User, proposal_id: int) -> ParameterProposal:
    """A second person approves: the value becomes an override, in force from its start."""
    proposal = _decidable(actor, proposal_id)
    override = parameter_override_create(
        actor=actor,
        name=proposal.name,
        region=proposal.region,
        start=proposal.start,
        value=proposal.value,
        source=proposal.source,
        unit=proposal.unit,
    )
    proposal.status = ProposalStatus.APPROVED
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.override = override
    proposal.save(update_fields=["status", "decided_by", "decided_at", "override"])
    audit_record(
        actor=actor,
        action="parameter.approve",
        object_type="parameter_proposal",
        object_id=proposal.pk,
        region_code=proposal.region,
        changes={"name": proposal.name, "override": override.pk},
    )
    return proposal


@transaction.atomic
def parameter_proposal_reject(*, actor: User, proposal_id: int, reason: str) -> ParameterProposal:
    if not reason.strip():
        raise ValidationFailed(_("Say why the proposal is rejected."), field="reason")
    proposal = _decidable(actor, proposal_id)
    proposal.status = ProposalStatus.REJECTED
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.rejection_reason = reason.strip()
    proposal.save(update_fields=["status", "decided_by", "decided_at", "rejection_reason"])
    audit_record(
        actor=actor,
        action="parameter.reject",
        object_type="parameter_proposal",
        object_id=proposal.pk,
        region_code=proposal.region,
        changes={"name": proposal.name, "reason": proposal.rejection_reason},
    )
    return proposal
