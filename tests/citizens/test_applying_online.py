from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from huimin.casework.models import Application, Document, Step, StepStatus
from huimin.citizens.services import citizen_account_link
from huimin.core.models import AuditEvent
from tests.citizens.helpers import signed_in_client
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
