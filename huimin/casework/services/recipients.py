"""The recipients list leaves the office as a spreadsheet only with a trace in the audit chain."""

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from huimin.casework.services._common import _require
from huimin.core.audit import audit_record
from huimin.core.models import User


@transaction.atomic
def recipients_export_record(
    *,
    actor: User,
    region_code: str,
    filters: dict[str, Any],
    rows: int,
    request: HttpRequest | None,
) -> None:
    """Record that `actor` exported `rows` recipients of `region_code` chosen by `filters`."""
    _require(actor, "casework.view_entitlement")
    audit_record(
        actor=actor,
        action="casework.recipients_export",
        object_type="casework.entitlement",
        object_id="",
        region_code=region_code,
        changes={"filters": filters, "rows": rows},
        request=request,
    )
