import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client

from huimin.casework.models import Application, Document, Step, StepStatus
from huimin.casework.services import (
    application_create,
    application_submit_online,
    document_attach_online,
)
from huimin.casework.services.decisions import preparers_of
from huimin.citizens.models import CitizenAccount
from huimin.citizens.services import citizen_account_link
from huimin.core.errors import NotAllowed
from huimin.core.models import AuditEvent
from tests.citizens.helpers import signed_in_client
from tests.conftest import make_user
from tests.registry.factories import make_household

PHONE = "13800004444"


def confirmed(caseworker):
    household = make_household(caseworker, head="孙网申")
    head = household.members.get(relation="head")
    client = signed_in_client(PHONE)
    citizen_account_link(actor=caseworker, phone=PHONE, id_number=head.id_number)
    return client, household


def test_an_online_application_lands_in_the_worklist_with_its_first_due_date(
    caseworker_a, settings, tmp_path
):
    settings.VAR_DIR = tmp_path / "var"
    client, household = confirmed(caseworker_a)
    pdf = SimpleUploadedFile("收入证明.pdf", b"%PDF-1.4 income", content_type="application/pdf")
    response = client.post(
        "/portal/apply/",
        {
            "program": "dibao",
            "statement": "丈夫生病，没有收入",
            "document": pdf,
            "document_kind": "income",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    application = Application.objects.get(household=household)
    assert application.channel == "online"
    first = Step.objects.get(application=application, status=StepStatus.OPEN)
    assert first.due_date is not None
    document = Document.objects.get(application=application)
    assert document.content_type == "application/pdf"
    assert AuditEvent.objects.filter(action="citizen.apply", object_id=str(application.pk)).exists()
    staff = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    staff.force_login(caseworker_a)
    assert "孙网申" in staff.get("/casework/").content.decode()
    page = client.get("/portal/me/").content.decode()
    assert first.due_date.strftime("%Y-%m-%d") in page


def test_an_unconfirmed_account_cannot_apply(db):
    client = signed_in_client(PHONE)
    client.post("/portal/apply/", {"program": "dibao", "statement": "需要帮助"})
    assert not Application.objects.exists()


def test_a_file_that_is_not_a_document_is_refused(caseworker_a, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    client, household = confirmed(caseworker_a)
    exe = SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(
        "/portal/apply/", {"program": "dibao", "statement": "x", "document": exe}
    )
    assert response.status_code == 200
    assert not Application.objects.exists(), "nothing is half-written"


def test_the_resident_is_the_taker_and_the_events_are_the_residents(
    caseworker_a, settings, tmp_path
):
    settings.VAR_DIR = tmp_path / "var"
    client, household = confirmed(caseworker_a)
    pdf = SimpleUploadedFile("收入证明.pdf", b"%PDF-1.4 income", content_type="application/pdf")
    client.post(
        "/portal/apply/",
        {"program": "dibao", "statement": "没有收入", "document": pdf, "document_kind": "income"},
    )
    application = Application.objects.get(household=household)
    account = CitizenAccount.objects.get(household=household)
    assert application.created_by is None and application.submitted_by == account
    document = application.documents.get()
    assert document.uploaded_by is None and document.uploaded_by_resident == account
    for action in ("casework.application_create", "casework.document_attach"):
        event = AuditEvent.objects.get(action=action)
        assert event.actor is None, action  # not the clerk who confirmed the account
        assert event.changes["citizen_account"] == account.pk
        assert event.region_code == household.region_code
    # the clerk did not take it, so nothing keeps them from deciding it
    assert caseworker_a.pk not in preparers_of(application)
    staff = Client(HTTP_ACCEPT_LANGUAGE="en")
    staff.force_login(caseworker_a)
    page = staff.get(f"/casework/applications/{application.pk}/").content.decode()
    assert "by the resident, online" in page


def test_the_resident_path_grants_no_staff_permission(caseworker_a, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    _client, household = confirmed(caseworker_a)
    account = CitizenAccount.objects.get(household=household)
    application = application_submit_online(account=account, program="dibao", statement="困难")
    other = make_household(caseworker_a, head="钱别家")
    staff_application = application_create(
        actor=caseworker_a,
        household=other,
        applicant=other.members.get(relation="head"),
        program="dibao",
        channel="window",
        statement="困难",
    )
    with pytest.raises(NotAllowed):  # only to the application the resident submitted
        document_attach_online(
            account=account,
            application=staff_application,
            kind="income",
            file_name="a.pdf",
            data=b"%PDF-1.4 x",
        )
    # a staff member still needs the permission, online channel or not
    with pytest.raises(NotAllowed):
        application_create(
            actor=make_user("no_role", None, ["532901"]),
            household=other,
            applicant=other.members.get(relation="head"),
            program="tekun",
            channel="online",
            statement="困难",
        )
    account.linked_by = None
    account.save(update_fields=["linked_by"])
    application.status = "withdrawn"
    application.save(update_fields=["status"])
    with pytest.raises(NotAllowed):
        application_submit_online(account=account, program="dibao", statement="困难")


def test_the_database_wants_exactly_one_taker(caseworker_a, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    _client, household = confirmed(caseworker_a)
    account = CitizenAccount.objects.get(household=household)
    application = application_submit_online(account=account, program="dibao", statement="困难")
    for staff, resident in ((caseworker_a, account), (None, None)):
        application.created_by, application.submitted_by = staff, resident
        with pytest.raises(IntegrityError), transaction.atomic():
            application.save(update_fields=["created_by", "submitted_by"])
