"""Casework services: verification."""

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.casework import files
from huimin.casework.models import (
    Application,
    ApplicationStatus,
    Document,
    DocumentKind,
    Finding,
    FindingStatus,
    Step,
    StepKind,
    VerificationAuthorization,
)
from huimin.casework.services._common import (
    Taker,
    _finish,
    _lock,
    _open_step,
    _require,
    _today,
    audit,
)
from huimin.casework.verification import (
    Authorization,
    Unit,
    VerificationNotAuthorized,
    verification_request_for,
    verify_household,
)
from huimin.casework.verification import Finding as SourceFinding
from huimin.core.errors import Conflict, NotAllowed, ValidationFailed
from huimin.core.models import User
from huimin.core.money import format_yuan
from huimin.core.refusals import refusal_record
from huimin.registry import services as registry
from huimin.registry.models import AssetKind, Household, IncomeType, Person

if TYPE_CHECKING:
    from huimin.citizens.models import CitizenAccount

# Documents and the verification ---------------------------------------------------------------


# Help first, verify later: the checks of an approved temporary grant come after its payment.
_VERIFYING = (ApplicationStatus.IN_PROGRESS, ApplicationStatus.APPROVED)
_ATTACHING = (
    ApplicationStatus.IN_PROGRESS,
    ApplicationStatus.SUSPENDED,
    ApplicationStatus.APPROVED,
)


@transaction.atomic
def document_attach(
    *,
    actor: User,
    application: Application,
    kind: str,
    file_name: str,
    data: bytes,
    request: HttpRequest | None = None,
) -> Document:
    _require(actor, "casework.take_application")
    application = _lock(application, *_ATTACHING)
    return _attach(Taker(staff=actor), application, kind, file_name, data, request)


@transaction.atomic
def document_attach_online(
    *,
    account: "CitizenAccount",
    application: Application,
    kind: str,
    file_name: str,
    data: bytes,
    request: HttpRequest | None = None,
) -> Document:
    """A resident attaches a document to the application they submitted online (and only to
    that one); the document and its event are the resident's."""
    application = _lock(application, *_ATTACHING)
    if application.submitted_by_id != account.pk:
        raise NotAllowed(_("You can add documents only to an application you submitted."))
    return _attach(Taker(resident=account), application, kind, file_name, data, request)


def _attach(
    taker: Taker,
    application: Application,
    kind: str,
    file_name: str,
    data: bytes,
    request: HttpRequest | None,
) -> Document:
    if kind not in DocumentKind.values:
        raise ValidationFailed(_("Choose what kind of document this is."), field="kind")
    content_type = files.checked_type(data)
    stored_name, sha256 = files.store(data)
    document = Document.objects.create(
        application=application,
        kind=kind,
        file_name=(file_name or "document")[:200],
        content_type=content_type,
        size=len(data),
        stored_name=stored_name,
        sha256=sha256,
        uploaded_by=taker.staff,
        uploaded_by_resident=taker.resident,
    )
    taker.audit(
        "casework.document_attach",
        application,
        {"kind": kind, "size": len(data)},
        request,
        document,
    )
    return document


@transaction.atomic
def document_read(*, actor: User, document: Document, request: HttpRequest | None = None) -> bytes:
    """The clear bytes of an attachment; every read is audited (it holds personal data)."""
    audit(actor, "casework.document_read", document.application, {"kind": document.kind}, request)
    return files.load(document.stored_name)


@transaction.atomic
def authorization_record(
    *,
    actor: User,
    application: Application,
    signers: list[Person],
    signed_on: dt.date,
    document: Document,
    request: HttpRequest | None = None,
) -> VerificationAuthorization:
    _require(actor, "casework.take_application")
    application = _lock(application, *_ATTACHING)
    if document.application_id != application.pk or document.kind != DocumentKind.AUTHORIZATION:
        raise ValidationFailed(
            _("Attach the scanned authorization to this application first."), field="document"
        )
    if signed_on > _today():
        raise ValidationFailed(_("The date of signing cannot be in the future."), field="signed_on")
    adults = _adult_members(application.household, on=signed_on)
    signer_ids = {p.pk for p in signers}
    missing = [p.name for p in adults if p.pk not in signer_ids]
    if application.applicant_id not in signer_ids:
        missing.insert(0, application.applicant.name)
    if missing:
        raise ValidationFailed(
            _("These family members have not signed: %(names)s.") % {"names": "、".join(missing)},
            field="signers",
        )
    strangers = signer_ids - set(application.household.members.values_list("pk", flat=True))
    if strangers:
        raise ValidationFailed(_("Only members of the household sign."), field="signers")
    authorization = VerificationAuthorization.objects.create(
        application=application, signed_on=signed_on, document=document, recorded_by=actor
    )
    authorization.signers.set(signers)
    audit(
        actor,
        "casework.authorization_record",
        application,
        {"signers": len(signers), "signed_on": signed_on.isoformat()},
        request,
        authorization,
    )
    return authorization


def _adult_members(household: Household, *, on: dt.date) -> list[Person]:
    adult_born_before = on.replace(year=on.year - 18)
    return list(
        household.members.filter(death_date__isnull=True, birth_date__lte=adult_born_before)
    )


def has_authorization(application: Application) -> bool:
    return application.authorizations.exists()


@transaction.atomic
def findings_record(
    *,
    actor: User,
    application: Application,
    purpose: str,
    found: dict[str, list[dict[str, Any]]],
    request: HttpRequest | None = None,
) -> list[Finding]:
    """Record what each source of the verification answered (the adapters' findings)."""
    _require(actor, "casework.prepare_application")
    application = _lock(application, *_VERIFYING)
    step = _open_step(application, StepKind.VERIFICATION)
    if not has_authorization(application):
        raise NotAllowed(
            _("No verification without the family's signed authorization: record it first.")
        )
    rows = [
        Finding(
            step=step,
            source=source,
            kind=str(item.get("kind", "")),
            summary=str(item.get("summary", ""))[:300],
            data=dict(item.get("data", {})),
        )
        for source, items in found.items()
        for item in items
    ]
    Finding.objects.bulk_create(rows)
    step.findings = {**step.findings, "sources": sorted(found), "purpose": purpose}
    step.save(update_fields=["findings"])
    audit(
        actor,
        "casework.verification_run",
        application,
        {"purpose": purpose, "sources": sorted(found), "findings": len(rows)},
        request,
        step,
    )
    return rows


# What each kind of source finding becomes in the registry when a caseworker accepts it.
_ASSET_KINDS = {
    "vehicle": AssetKind.VEHICLE,
    "real_estate": AssetKind.HOME,
    "deposit": AssetKind.DEPOSIT,
}
_INCOME_TYPES = {
    "wages": IncomeType.WAGES,
    "provident_fund_base": IncomeType.WAGES,
    "pension": IncomeType.PENSION_OTHER,
    "business": IncomeType.BUSINESS,
}


def _as_row(found: SourceFinding, *, on: dt.date) -> dict[str, Any]:
    """A source's finding as the record a caseworker accepts or dismisses."""
    difference = (
        found.found - found.registry
        if isinstance(found.found, int) and isinstance(found.registry, int)
        else None
    )
    data: dict[str, Any] = {**found.as_dict(), "valid_from": on.replace(day=1).isoformat()}
    if found.kind == "death":
        kind = "death"
        data["death_date"] = data["found"]
        summary = _("The source records a death on %(date)s.") % {"date": data["found"]}
    elif found.kind in _ASSET_KINDS:
        kind = "asset"
        data["asset_kind"] = _ASSET_KINDS[found.kind]
        # a deposit is an amount; a vehicle or a property is counted, its value asked for
        data["value_fen"] = difference if found.unit == Unit.FEN else None
        summary = _("The source holds %(found)s, the registry %(registry)s.") % {
            "found": _shown(found.found, found.unit),
            "registry": _shown(found.registry, found.unit),
        }
    else:
        kind = "income"
        data["income_type"] = _INCOME_TYPES.get(found.kind, IncomeType.OTHER)
        data["monthly_fen"] = difference if found.unit == Unit.FEN else None
        summary = _("The source holds %(found)s, the registry %(registry)s.") % {
            "found": _shown(found.found, found.unit),
            "registry": _shown(found.registry, found.unit),
        }
    return {"kind": kind, "summary": f"{found.kind}: {summary}", "data": data}


def _shown(value: object, unit: str) -> str:
    if value is None:
        return "—"
    if unit == Unit.FEN and isinstance(value, int):
        return _("%(yuan)s yuan") % {"yuan": format_yuan(value)}
    return str(value)


@transaction.atomic
def verification_run(
    *,
    actor: User,
    application: Application,
    on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> list[Finding]:
    """Ask every connected source (with the signed authorization) and record what differs."""
    _require(actor, "casework.prepare_application")
    application = _lock(application, *_VERIFYING)
    _open_step(application, StepKind.VERIFICATION)
    on = on or _today()
    signed = application.authorizations.order_by("-signed_on", "-pk").first()
    authorization = (
        Authorization(
            signed_by=frozenset(signed.signers.values_list("pk", flat=True)),
            signed_on=signed.signed_on,
            document_ref=f"document {signed.document_id}",
        )
        if signed is not None
        else None
    )
    purpose = _("%(program)s application %(id)s") % {
        "program": application.get_program_display(),
        "id": application.pk,
    }
    try:
        checked = verify_household(
            verification_request_for(
                application.household, purpose=purpose, authorization=authorization, as_of=on
            )
        )
    except VerificationNotAuthorized as refused:
        _record_refused_verification(actor, application, refused, request)
        raise
    found = {
        str(source): [_as_row(f, on=on) for f in findings if f.differs]
        for source, findings in checked.items()
    }
    return findings_record(
        actor=actor, application=application, purpose=purpose, found=found, request=request
    )


def _record_refused_verification(
    actor: User,
    application: Application,
    refused: VerificationNotAuthorized,
    request: HttpRequest | None,
) -> None:
    """A check refused for want of authorization is on record (who tried, on which case, why),
    although the refusal rolls back the transaction the attempt ran in."""
    refusal_record(
        actor=actor,
        action="casework.verification_refused",
        object_type=application._meta.label_lower,
        object_id=application.pk,
        region_code=application.region_code,
        changes={
            "application": application.pk,
            "program": application.program,
            "reason": refused.reason,
            "unsigned_persons": list(refused.person_ids),
        },
        request=request,
    )


def _lock_finding(finding: Finding) -> tuple[Application, Finding]:
    application = _lock(finding.step.application, *_VERIFYING)
    finding = Finding.objects.select_for_update().select_related("step").get(pk=finding.pk)
    if finding.status != FindingStatus.OPEN:
        raise Conflict(_("This finding was already dealt with."))
    return application, finding


@transaction.atomic
def finding_accept(
    *,
    actor: User,
    finding: Finding,
    value_fen: int | None = None,
    request: HttpRequest | None = None,
) -> Finding:
    """Take a finding into the registry, through the registry's own services."""
    _require(actor, "casework.prepare_application")
    _require(actor, "registry.change_household")
    application, finding = _lock_finding(finding)
    data = finding.data
    if finding.kind == "death":
        person = application.household.members.get(pk=data["person_id"])
        registry.person_record_death(
            actor=actor,
            person=person,
            death_date=dt.date.fromisoformat(data["death_date"]),
            request=request,
        )
    elif finding.kind == "asset":
        registry.asset_add(
            actor=actor,
            household=application.household,
            kind=data["asset_kind"],
            value_fen=_amount(data.get("value_fen"), value_fen),
            valid_from=dt.date.fromisoformat(data["valid_from"]),
            description=str(data.get("description", ""))[:200],
            request=request,
        )
    elif finding.kind == "income":
        registry.income_add(
            actor=actor,
            person=application.household.members.get(pk=data["person_id"]),
            income_type=data["income_type"],
            monthly_fen=_amount(data.get("monthly_fen"), value_fen),
            valid_from=dt.date.fromisoformat(data["valid_from"]),
            verified=True,
            note=finding.source,
            request=request,
        )
    else:
        raise ValidationFailed(
            _("This finding cannot be taken into the registry; note why it does not apply.")
        )
    finding.status, finding.decided_by, finding.decided_at = (
        FindingStatus.ACCEPTED,
        actor,
        timezone.now(),
    )
    finding.save(update_fields=["status", "decided_by", "decided_at"])
    audit(actor, "casework.finding_accept", application, {"source": finding.source}, request)
    return finding


def _amount(found: int | None, given: int | None) -> int:
    """The amount the finding adds: what the source holds beyond the registry, or, for a thing
    the source only counts (a vehicle, a property, a business), the value the caseworker gives."""
    amount = found if found is not None else given
    if amount is None:
        raise ValidationFailed(
            _("The source gives no amount: enter the value found."), field="value_fen"
        )
    if amount <= 0:
        raise ValidationFailed(
            _(
                "The registry holds more than the source: correct the registry's record itself, "
                "or note why the finding does not apply."
            ),
            field="value_fen",
        )
    return amount


@transaction.atomic
def finding_dismiss(
    *, actor: User, finding: Finding, reason: str, request: HttpRequest | None = None
) -> Finding:
    _require(actor, "casework.prepare_application")
    application, finding = _lock_finding(finding)
    if not reason.strip():
        raise ValidationFailed(_("Write down why the finding does not apply."), field="reason")
    finding.status, finding.reason = FindingStatus.DISMISSED, reason.strip()[:300]
    finding.decided_by, finding.decided_at = actor, timezone.now()
    finding.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit(
        actor,
        "casework.finding_dismiss",
        application,
        {"source": finding.source, "reason": reason},
        request,
    )
    return finding


@transaction.atomic
def verification_complete(
    *, actor: User, application: Application, note: str = "", request: HttpRequest | None = None
) -> Step:
    _require(actor, "casework.prepare_application")
    application = _lock(application, *_VERIFYING)
    step = _open_step(application, StepKind.VERIFICATION)
    if "sources" not in step.findings:
        raise Conflict(_("Run the verification before closing it."))
    if step.found.filter(status=FindingStatus.OPEN).exists():
        raise Conflict(_("Take every finding into the registry or note why not, then close."))
    _finish(step, actor=actor, note=note)
    audit(actor, "casework.verification_complete", application, {}, request, step)
    return step
