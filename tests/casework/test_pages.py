"""The pages take a dibao case from the household page to its entitlement."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from huimin.casework.models import Application, Notice, StepKind
from tests.casework import cases
from tests.registry.factories import make_household


def client_of(user, lang="zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(user)
    return client


@pytest.fixture
def pages(caseworker_a, approver_a, cast, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return {
        "caseworker": client_of(caseworker_a),
        "colleague": client_of(cast["colleague"]),
        "helper": client_of(cast["helper"]),
        "approver": client_of(approver_a, "en"),
    }


def ok(response, status=302):
    assert response.status_code == status, response.content.decode()[:3000]
    return response


def test_the_pages_take_a_case_from_intake_to_entitlement(caseworker_a, cast, pages):
    household = make_household(caseworker_a)
    head = household.members.get(relation="head")
    page = pages["caseworker"].get(f"/registry/households/{household.pk}/")
    assert f"/casework/households/{household.pk}/apply/" in page.content.decode()
    ok(
        pages["caseworker"].post(
            f"/casework/households/{household.pk}/apply/",
            {
                "program": "dibao",
                "applicant": head.pk,
                "channel": "window",
                "statement": "收入低",
                "emergency_kind": "none",
            },
        )
    )
    application = Application.objects.get(household=household)
    url = f"/casework/applications/{application.pk}/"
    assert "家庭经济状况核对" in ok(pages["caseworker"].get(url), 200).content.decode()
    upload = cases.PDF
    from django.core.files.uploadedfile import SimpleUploadedFile

    ok(
        pages["caseworker"].post(
            url + "documents/",
            {"kind": "authorization", "file": SimpleUploadedFile("授权书.pdf", upload)},
        )
    )
    document = application.documents.get()
    ok(
        pages["caseworker"].post(
            url + "authorization/",
            {
                "signed_on": timezone.localdate().isoformat(),
                "signers": [p.pk for p in household.members.all()],
                "document": document.pk,
            },
        )
    )
    assert "开始核对" in ok(pages["caseworker"].get(url), 200).content.decode()
    ok(pages["caseworker"].post(url + "verification/"))
    for finding in application.steps.get(kind=StepKind.VERIFICATION).found.all():
        ok(pages["caseworker"].post(f"/casework/findings/{finding.pk}/", {"reason": "已核实"}))
    ok(pages["caseworker"].post(url + "step/"))  # closes the verification
    assert cases.open_kind(application) == StepKind.HOME_VISIT
    visit = {f"item_{k}": v for k, v in cases.VISIT_ITEMS.items()}
    refused = pages["caseworker"].post(
        url + "step/", {**visit, "second_staff": cast["colleague"].pk}
    )
    ok(refused, 400)  # without the confirmations
    ok(
        pages["caseworker"].post(
            url + "step/",
            {
                **visit,
                "second_staff": cast["colleague"].pk,
                "visited_on": timezone.localdate().isoformat(),
                "family_confirmed": "on",
                "staff_confirmed": "on",
            },
        )
    )
    ok(
        pages["helper"].post(
            url + "step/",
            {"held_on": timezone.localdate().isoformat(), "present": 7, "in_favour": 7},
        )
    )
    ok(pages["caseworker"].post(url + "step/", {"recommend": "1", "note": "同意上报"}))
    starts = timezone.localdate() - dt.timedelta(days=8)
    ok(
        pages["helper"].post(
            "/casework/notices/",
            {"village": application.region_code, "starts_on": starts.isoformat()},
        )
    )
    notice = Notice.objects.get()
    shown = ok(pages["helper"].get(f"/casework/notices/{notice.pk}/"), 200).content.decode()
    assert head.name[0] + "*" in shown and head.id_number not in shown
    ok(pages["helper"].post(f"/casework/notices/{notice.pk}/close/"))
    decision_page = ok(pages["approver"].get(url + "decision/"), 200).content.decode()
    assert "Qualifies" in decision_page
    ok(pages["approver"].post(url + "decision/", {"outcome": "approve"}))
    letter = ok(pages["approver"].get(url + "letter/?lang=en"), 200).content.decode()
    assert "60 days" in letter and "6 months" in letter and head.name in letter
    zh = ok(pages["approver"].get(url + "letter/?lang=zh"), 200).content.decode()
    assert "60日内" in zh
    ok(pages["approver"].post(url + "step/"))  # the letter was handed over
    ok(pages["approver"].post(url + "step/"))  # the entitlement
    application.refresh_from_db()
    entitlement = application.decisions.get().entitlement
    shown = ok(pages["approver"].get(f"/casework/entitlements/{entitlement.pk}/"), 200)
    assert entitlement.start_month.strftime("%Y-%m") in shown.content.decode()


def test_the_letter_prints_as_a_pdf(caseworker_a, approver_a, cast, pages):
    from huimin.casework import services

    application = cases.dibao_application(caseworker_a)
    cases.to_decision(caseworker_a, cast, application)
    services.decision_approve(actor=approver_a, application=application)
    response = pages["approver"].get(f"/casework/applications/{application.pk}/letter/?format=pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_worklist_shows_overdue_first_with_counts(
    caseworker_a, pages, django_assert_max_num_queries
):
    from huimin.casework.models import Step

    first, second = cases.dibao_application(caseworker_a), cases.dibao_application(caseworker_a)
    Step.objects.filter(application=second, status="open").update(
        due_date=timezone.localdate() - dt.timedelta(days=2)
    )
    for _ in range(5):
        cases.dibao_application(caseworker_a)
    # ten for casework, one for the open changes of circumstance, one for the residents'
    # requests, one for the applications past the whole procedure's limit
    with django_assert_max_num_queries(13):
        page = ok(pages["caseworker"].get("/casework/"), 200).content.decode()
    assert page.index(f"/applications/{second.pk}/") < page.index(f"/applications/{first.pk}/")
    assert "逾期" in page or "overdue" in page


def test_the_notice_prints_as_a_pdf_and_the_list_has_fixed_queries(
    caseworker_a, cast, pages, django_assert_max_num_queries
):
    for _ in range(3):
        cases.to_notice(caseworker_a, cast, cases.dibao_application(caseworker_a))
    notice = cases.post_notice(cast["helper"], Application.objects.first())
    assert notice.steps.count() == 3
    response = pages["helper"].get(f"/casework/notices/{notice.pk}/?format=pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    with django_assert_max_num_queries(12):
        ok(pages["helper"].get("/casework/notices/"), 200)


def test_the_worklist_lists_reviews_falling_due(caseworker_a, cast, approver_a, pages):
    from huimin.casework import services
    from huimin.casework.models import Entitlement

    application = cases.dibao_application(caseworker_a)
    cases.to_decision(caseworker_a, cast, application)
    services.decision_approve(actor=approver_a, application=application)
    services.letter_issue(actor=approver_a, application=application)
    entitlement = services.entitlement_create(actor=approver_a, application=application)
    page = ok(pages["caseworker"].get("/casework/"), 200).content.decode()
    assert f"/casework/entitlements/{entitlement.pk}/" not in page  # six months away
    Entitlement.objects.filter(pk=entitlement.pk).update(
        review_due=timezone.localdate() + dt.timedelta(days=10)
    )
    page = ok(pages["caseworker"].get("/casework/"), 200).content.decode()
    assert f"/casework/entitlements/{entitlement.pk}/" in page
