import datetime as dt

import pytest
from django.utils import timezone

from huimin.casework import files, services
from huimin.casework.models import DocumentKind, FindingStatus, StepKind
from huimin.core.errors import Conflict, NotAllowed, ValidationFailed
from huimin.registry.models import Asset, AssetKind
from tests.casework import cases


@pytest.fixture
def application(caseworker_a, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return cases.dibao_application(caseworker_a)


def attach(actor, application, data=cases.PDF, kind=DocumentKind.AUTHORIZATION):
    return services.document_attach(
        actor=actor, application=application, kind=kind, file_name="a.pdf", data=data
    )


def test_it_stores_attachments_encrypted_outside_the_web_root(caseworker_a, application, settings):
    document = attach(caseworker_a, application, data=b"%PDF-1.4 id 532901198005170011")
    stored = files.documents_dir() / document.stored_name
    assert stored.is_file() and b"532901198005170011" not in stored.read_bytes()
    assert not str(stored).startswith(str(settings.STATIC_ROOT))
    assert document.content_type == "application/pdf" and document.size == 30
    clear = services.document_read(actor=caseworker_a, document=document)
    assert clear == b"%PDF-1.4 id 532901198005170011"


def test_it_refuses_a_file_of_another_type_or_too_large(caseworker_a, application):
    with pytest.raises(ValidationFailed, match="PDF"):
        attach(caseworker_a, application, data=b"MZ\x90\x00 an executable")
    with pytest.raises(ValidationFailed):
        attach(caseworker_a, application, data=b"")
    with pytest.raises(ValidationFailed):
        attach(caseworker_a, application, data=b"%PDF-" + b"x" * files.MAX_BYTES)


def test_it_runs_no_verification_without_the_signed_authorization(caseworker_a, application):
    with pytest.raises(NotAllowed):
        services.findings_record(
            actor=caseworker_a, application=application, purpose="低保", found={"deaths": []}
        )


def test_every_adult_member_signs_the_authorization(caseworker_a, application):
    document = attach(caseworker_a, application)
    head = application.applicant
    with pytest.raises(ValidationFailed, match="李梅"):
        services.authorization_record(
            actor=caseworker_a,
            application=application,
            signers=[head],
            signed_on=timezone.localdate(),
            document=document,
        )
    photo = attach(caseworker_a, application, kind=DocumentKind.PHOTO)
    with pytest.raises(ValidationFailed) as refused:
        services.authorization_record(
            actor=caseworker_a,
            application=application,
            signers=list(application.household.members.all()),
            signed_on=timezone.localdate(),
            document=photo,
        )
    assert refused.value.field == "document"


def finding(caseworker_a, application, kind="asset", data=None):
    cases.authorize(caseworker_a, application)
    data = data or {
        "asset_kind": AssetKind.VEHICLE,
        "value_fen": 9_000_000,
        "valid_from": "2025-03-01",
        "description": "车管所：小轿车",
    }
    found = services.findings_record(
        actor=caseworker_a,
        application=application,
        purpose="低保审核",
        found={"vehicles": [{"kind": kind, "summary": "登记有小轿车一辆", "data": data}]},
    )
    return found[0]


def test_an_accepted_finding_goes_into_the_registry_through_its_services(caseworker_a, application):
    found = finding(caseworker_a, application)
    with pytest.raises(Conflict):  # a finding is dealt with before the step closes
        services.verification_complete(actor=caseworker_a, application=application)
    services.finding_accept(actor=caseworker_a, finding=found)
    asset = Asset.objects.get(household=application.household)
    assert asset.kind == AssetKind.VEHICLE and asset.value_fen == 9_000_000
    found.refresh_from_db()
    assert found.status == FindingStatus.ACCEPTED
    with pytest.raises(Conflict):
        services.finding_accept(actor=caseworker_a, finding=found)
    services.verification_complete(actor=caseworker_a, application=application)
    assert cases.open_kind(application) == StepKind.HOME_VISIT


def test_a_dismissed_finding_needs_a_reason(caseworker_a, application):
    found = finding(caseworker_a, application)
    with pytest.raises(ValidationFailed):
        services.finding_dismiss(actor=caseworker_a, finding=found, reason="  ")
    services.finding_dismiss(actor=caseworker_a, finding=found, reason="车已于2024年卖出，有过户单")
    found.refresh_from_db()
    assert found.status == FindingStatus.DISMISSED
    assert not Asset.objects.filter(household=application.household).exists()


def test_a_finding_of_an_unknown_kind_cannot_be_accepted(caseworker_a, application):
    found = finding(caseworker_a, application, kind="note", data={"x": 1})
    with pytest.raises(ValidationFailed):
        services.finding_accept(actor=caseworker_a, finding=found)


def test_a_verification_is_closed_only_after_it_ran(caseworker_a, application):
    with pytest.raises(Conflict):
        services.verification_complete(actor=caseworker_a, application=application)


def test_the_signing_date_is_not_in_the_future(caseworker_a, application):
    with pytest.raises(ValidationFailed):
        services.authorization_record(
            actor=caseworker_a,
            application=application,
            signers=list(application.household.members.all()),
            signed_on=timezone.localdate() + dt.timedelta(days=1),
            document=attach(caseworker_a, application),
        )
