"""Casework services: the county's spot-check (抽查) of the cases it decided (CQ-DB §33).

A spot-check draws at least the parameter's share (`procedure.spot_check.share`, rounded up) of
the county's current decisions of a period, every case of a staff relative included, the rest
chosen at random from a seed that is stored: drawing again with the seed gives the same sample.
Each case in it is re-checked by an approver who neither prepared nor decided it.
"""

import datetime as dt
import hashlib
import math
import random
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.casework.models import (
    Decision,
    SpotCheck,
    SpotCheckItem,
    SpotCheckResult,
)
from huimin.casework.services._common import OFFICE_DIGITS, _require
from huimin.casework.services.decisions import preparers_of
from huimin.core.access import covers
from huimin.core.audit import audit_record
from huimin.core.errors import Conflict, NotAllowed, ValidationFailed
from huimin.core.models import User
from huimin.programs.parameters import live_parameters

SHARE = "procedure.spot_check.share"


def _audit(
    actor: User,
    action: str,
    record: SpotCheck | SpotCheckItem,
    changes: dict[str, Any],
    request: HttpRequest | None,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type=record._meta.label_lower,
        object_id=record.pk,
        region_code=record.region_code,
        changes=changes,
        request=request,
    )


def default_seed(county_code: str, starts_on: dt.date, ends_on: dt.date) -> int:
    """A seed nobody picks: the same county and period always give the same one."""
    text = f"{county_code}|{starts_on.isoformat()}|{ends_on.isoformat()}"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:7], "big")


def sample_size(share: Decimal, decided: int) -> int:
    """At least the share, rounded up (exact arithmetic: 0.3 of 10 is 3, not 4)."""
    return min(decided, math.ceil(share * decided))


def draw_sample(
    decisions: list[tuple[int, bool]], *, share: Decimal, seed: int
) -> list[tuple[int, bool]]:
    """(decision id, relative flagged) chosen: every flagged one, then random others."""
    flagged = sorted(d for d in decisions if d[1])
    others = sorted(d for d in decisions if not d[1])
    wanted = max(sample_size(share, len(decisions)) - len(flagged), 0)
    # Reproducible on purpose: the seed is stored so that anyone can draw the sample again.
    return flagged + random.Random(seed).sample(others, wanted)  # noqa: S311


@transaction.atomic
def spot_check_draw(
    *,
    actor: User,
    county_code: str,
    starts_on: dt.date,
    ends_on: dt.date,
    seed: int | None = None,
    request: HttpRequest | None = None,
) -> SpotCheck:
    _require(actor, "casework.decide_application")
    if len(county_code) != OFFICE_DIGITS or not county_code.isdigit():
        raise ValidationFailed(_("Give the county's 6-digit code."), field="county")
    if not covers(actor, county_code):
        raise NotAllowed(_("This county is outside your area."))
    if ends_on < starts_on:
        raise ValidationFailed(_("The period ends before it starts."), field="ends_on")
    decided = list(
        Decision.objects.filter(
            office_code=county_code,
            superseded_at__isnull=True,
            decided_on__gte=starts_on,
            decided_on__lte=ends_on,
        )
        .order_by("pk")
        .values_list("pk", "application__relative_flag", "application__region_code")
    )
    if not decided:
        raise ValidationFailed(
            _("No case was decided in this county in that period."), field="starts_on"
        )
    month = starts_on.strftime("%Y-%m")
    share = Decimal(str(live_parameters().resolve(SHARE, county_code, month).value))
    seed = default_seed(county_code, starts_on, ends_on) if seed is None else seed
    regions = {pk: region for pk, _flag, region in decided}
    chosen = draw_sample([(pk, bool(flag)) for pk, flag, _r in decided], share=share, seed=seed)
    try:
        with transaction.atomic():
            spot_check = SpotCheck.objects.create(
                region_code=county_code,
                starts_on=starts_on,
                ends_on=ends_on,
                share=share,
                seed=seed,
                decided=len(decided),
                drawn_by=actor,
            )
    except IntegrityError as clash:
        raise Conflict(_("This county's sample for that period is already drawn.")) from clash
    SpotCheckItem.objects.bulk_create(
        SpotCheckItem(
            spot_check=spot_check, decision_id=pk, region_code=regions[pk], relative_flagged=flag
        )
        for pk, flag in sorted(chosen)
    )
    _audit(
        actor,
        "casework.spot_check_draw",
        spot_check,
        {
            "period": f"{starts_on.isoformat()}..{ends_on.isoformat()}",
            "share": str(share),
            "seed": seed,
            "decided": len(decided),
            "sampled": len(chosen),
        },
        request,
    )
    return spot_check


@transaction.atomic
def spot_check_record(
    *,
    actor: User,
    item: SpotCheckItem,
    result: str,
    note: str = "",
    request: HttpRequest | None = None,
) -> SpotCheckItem:
    """What the re-check of one sampled case found: confirmed, or a discrepancy with a note."""
    _require(actor, "casework.decide_application")
    item = SpotCheckItem.objects.select_for_update().select_related("decision").get(pk=item.pk)
    if result not in (SpotCheckResult.CONFIRMED, SpotCheckResult.DISCREPANCY):
        raise ValidationFailed(_("Say whether the case is confirmed."), field="result")
    if result == SpotCheckResult.DISCREPANCY and not note.strip():
        raise ValidationFailed(_("Write down the discrepancy found."), field="note")
    if item.result != SpotCheckResult.PENDING:
        raise Conflict(_("This case's re-check is already recorded."))
    application = item.decision.application
    if actor.pk in preparers_of(application) | {item.decision.decided_by_id}:
        raise NotAllowed(_("You worked on this case, so someone else must re-check it."))
    item.result, item.note = result, note.strip()[:500]
    item.checked_by, item.checked_at = actor, timezone.now()
    item.save(update_fields=["result", "note", "checked_by", "checked_at"])
    _audit(
        actor,
        "casework.spot_check_record",
        item,
        {
            "spot_check": item.spot_check_id,
            "decision": item.decision.letter_number,
            "result": result,
        },
        request,
    )
    return item
