"""Writes of the programs app: parameter overrides, each validated by the rules engine and audited."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from huimin.core.audit import audit_record
from huimin.core.errors import ValidationFailed
from huimin.core.models import User
from huimin.programs.models import ParameterOverride
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
