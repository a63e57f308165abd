import pytest

from huimin.casework import services
from huimin.casework.models import FindingStatus, StepKind
from huimin.casework.verification import VerificationNotAuthorized
from huimin.core.errors import NotAllowed, ValidationFailed
from huimin.core.models import AuditEvent
from huimin.core.refusals import refusals_recorded
from huimin.registry.models import Asset, AssetKind
from tests.casework import cases


@pytest.fixture
def application(caseworker_a, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.HUIMIN_VERIFICATION_SIMULATED_SHARE = 100  # every source holds more than the registry
    return cases.dibao_application(caseworker_a)


def test_it_refuses_to_ask_any_source_without_the_authorization(caseworker_a, application):
    with pytest.raises(NotAllowed):
        services.verification_run(actor=caseworker_a, application=application)
    assert not AuditEvent.objects.filter(action="casework.verification_run").exists()


def test_it_records_what_each_source_found_and_audits_the_purpose(caseworker_a, application):
    cases.authorize(caseworker_a, application)
    found = services.verification_run(actor=caseworker_a, application=application)
    assert found and {f.status for f in found} == {FindingStatus.OPEN}
    step = application.steps.get(kind=StepKind.VERIFICATION)
    assert len(step.findings["sources"]) == 7
    event = AuditEvent.objects.get(action="casework.verification_run")
    assert str(application.pk) in event.changes["purpose"]
    deposit = next(f for f in found if f.data.get("kind") == "deposit")
    services.finding_accept(actor=caseworker_a, finding=deposit)
    added = Asset.objects.get(household=application.household, kind=AssetKind.DEPOSIT)
    assert added.value_fen == deposit.data["found"] - deposit.data["registry"] > 0
    counted = [f for f in found if f.data.get("unit") == "count"]
    for finding in counted[:1]:
        with pytest.raises(ValidationFailed):  # a counted thing needs its value
            services.finding_accept(actor=caseworker_a, finding=finding)
        services.finding_accept(actor=caseworker_a, finding=finding, value_fen=4_000_000)
    for finding in found:
        finding.refresh_from_db()
        if finding.status == FindingStatus.OPEN:
            services.finding_dismiss(actor=caseworker_a, finding=finding, reason="已核实不属实")
    services.verification_complete(actor=caseworker_a, application=application)
    assert cases.open_kind(application) == StepKind.HOME_VISIT


def test_the_adapters_refuse_an_authorization_an_adult_did_not_sign(caseworker_a, application):
    cases.authorize(caseworker_a, application)
    authorization = application.authorizations.get()
    authorization.signers.remove(
        application.household.members.exclude(pk=application.applicant_id).first()
    )
    with pytest.raises(VerificationNotAuthorized):
        services.verification_run(actor=caseworker_a, application=application)


def test_a_refused_verification_is_on_record_though_the_attempt_rolls_back(
    caseworker_a, application
):
    with refusals_recorded(), pytest.raises(VerificationNotAuthorized):
        services.verification_run(actor=caseworker_a, application=application)
    event = AuditEvent.objects.get(action="casework.verification_refused")
    assert event.actor == caseworker_a
    assert event.object_type == "casework.application" and event.object_id == str(application.pk)
    assert event.region_code == application.region_code
    assert event.changes["reason"] == "missing"
    assert not AuditEvent.objects.filter(action="casework.verification_run").exists()


def test_a_refusal_names_the_adults_who_did_not_sign_and_the_page_records_it(
    caseworker_a, application
):
    from tests.casework.test_pages import client_of

    cases.authorize(caseworker_a, application)
    unsigned = application.household.members.exclude(pk=application.applicant_id).first()
    application.authorizations.get().signers.remove(unsigned)
    response = client_of(caseworker_a).post(
        f"/casework/applications/{application.pk}/verification/"
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="casework.verification_refused")
    assert event.actor == caseworker_a
    assert event.changes["reason"] == "not_signed"
    assert event.changes["unsigned_persons"] == [unsigned.pk]
    assert event.changes["application"] == application.pk
