"""Requests, complaints and reports: time limits, routing, answers, escalation, ratings."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from huimin.citizens import services
from huimin.citizens.models import Request, RequestAnswer
from huimin.core.errors import Conflict, NotAllowed, ValidationFailed
from huimin.core.models import AuditEvent
from huimin.core.workdays import add_working_days
from huimin.programs.parameters import live_parameters
from tests.citizens.helpers import sent_texts, signed_in_client

TOWNSHIP_A = "532901001"
PHONE = "13800005555"


def test_each_kind_is_due_after_its_working_days(regions):
    today = timezone.localdate()
    for kind in ("question", "complaint", "change", "report", "help"):
        filed = services.request_file(kind=kind, text="问", region_code=TOWNSHIP_A)
        days = (
            live_parameters()
            .resolve(f"requests.{kind}_days", TOWNSHIP_A, today.strftime("%Y-%m"))
            .value
        )
        assert filed.due_date == add_working_days(filed.filed_on, int(days)).day
    limits = {Request.objects.get(kind=k).due_date for k in ("help", "report")}
    assert len(limits) == 2, "kinds have their own limits"


def test_it_goes_to_the_county_when_it_concerns_the_caseworker(regions, caseworker_a):
    plain = services.request_file(kind="complaint", text="办事慢", region_code=TOWNSHIP_A)
    about = services.request_file(
        kind="complaint", text="协理员索要好处", region_code=TOWNSHIP_A, concerns_caseworker=True
    )
    assert plain.region_code == TOWNSHIP_A
    assert about.region_code == "532901"


def test_an_anonymous_report_stores_nothing_that_identifies(regions):
    client = signed_in_client(PHONE, REMOTE_ADDR="10.7.7.7")
    with sent_texts():
        response = client.post(
            "/portal/requests/new/",
            {
                "kind": "report",
                "text": "某户有车还吃低保",
                "township": TOWNSHIP_A,
                "anonymous": "on",
            },
        )
    assert response.status_code == 302
    filed = Request.objects.get()
    assert filed.anonymous and filed.account_id is None and filed.contact_phone == ""
    event = AuditEvent.objects.get(action="citizen.request_file")
    assert event.remote_addr == "" and event.actor_id is None
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM citizens_request")
        row = " ".join(str(v) for v in cursor.fetchone())
        cursor.execute("SELECT * FROM core_auditevent WHERE action = 'citizen.request_file'")
        audit_row = " ".join(str(v) for v in cursor.fetchone())
    account_id = client.session["huimin_citizen_account"]
    for stored in (row, audit_row):
        assert "10.7.7.7" not in stored
        assert PHONE not in stored
    assert f"'account': {account_id}" not in audit_row
    from huimin.citizens.sms import outbox_path

    texts = outbox_path().read_text(encoding="utf-8").splitlines()
    assert len(texts) == 1, "the sign-in code only: nothing is sent about the report"


def test_only_a_report_may_be_anonymous(regions):
    with pytest.raises(ValidationFailed):
        services.request_file(kind="complaint", text="x", region_code=TOWNSHIP_A, anonymous=True)


def test_the_answer_is_recorded_and_the_resident_told(regions, caseworker_a):
    with sent_texts():
        filed = services.request_file(
            kind="question", text="低保怎么申请", region_code=TOWNSHIP_A, contact_phone=PHONE
        )
        services.request_answer(actor=caseworker_a, filed=filed, text="先打电话", close=False)
        services.request_answer(actor=caseworker_a, filed=filed, text="带户口簿来乡镇", close=True)
    assert RequestAnswer.objects.filter(request=filed).count() == 2
    filed.refresh_from_db()
    assert filed.status == "closed" and filed.answered_in_time is True
    from huimin.citizens.sms import outbox_path

    assert "带户口簿来乡镇" in outbox_path().read_text(encoding="utf-8")
    with pytest.raises(Conflict):
        services.request_answer(actor=caseworker_a, filed=filed, text="again", close=True)


def test_another_countys_caseworker_cannot_answer_or_see_it(regions, caseworker_b):
    filed = services.request_file(kind="question", text="问题", region_code=TOWNSHIP_A)
    with pytest.raises(NotAllowed):
        services.request_answer(actor=caseworker_b, filed=filed, text="x", close=True)
    staff = Client()
    staff.force_login(caseworker_b)
    assert staff.get(f"/citizens/requests/{filed.pk}/").status_code == 404
    assert "问题" not in staff.get("/citizens/requests/").content.decode()


def test_overdue_requests_are_escalated_once(regions):
    filed = services.request_file(kind="help", text="没饭吃", region_code=TOWNSHIP_A)
    services.request_file(kind="question", text="不急", region_code=TOWNSHIP_A)
    assert services.requests_escalate_overdue(today=filed.due_date) == 0
    later = filed.due_date + dt.timedelta(days=1)
    assert services.requests_escalate_overdue(today=later) == 1
    assert services.requests_escalate_overdue(today=later) == 0
    filed.refresh_from_db()
    assert filed.escalated_at is not None
    call_command("requests_escalate")  # the daily command runs


def test_a_late_answer_is_not_in_time(regions, caseworker_a):
    filed = services.request_file(kind="help", text="求助", region_code=TOWNSHIP_A)
    Request.objects.filter(pk=filed.pk).update(due_date=timezone.localdate() - dt.timedelta(days=1))
    services.request_answer(actor=caseworker_a, filed=filed, text="已处理", close=True)
    filed.refresh_from_db()
    assert filed.answered_in_time is False


def test_the_resident_rates_once_after_closing(regions, caseworker_a):
    client = signed_in_client(PHONE)
    with sent_texts():
        client.post(
            "/portal/requests/new/", {"kind": "complaint", "text": "态度差", "township": TOWNSHIP_A}
        )
    filed = Request.objects.get()
    assert filed.account_id is not None
    assert client.post(f"/portal/requests/{filed.pk}/rate/", {"rating": "4"}).status_code == 302
    filed.refresh_from_db()
    assert filed.rating is None, "not before it is closed"
    services.request_answer(actor=caseworker_a, filed=filed, text="已批评教育", close=True)
    client.post(f"/portal/requests/{filed.pk}/rate/", {"rating": "4", "comment": "还行"})
    filed.refresh_from_db()
    assert (filed.rating, filed.rating_comment) == (4, "还行")
    with pytest.raises(Conflict):
        services.request_rate(account=filed.account, filed=filed, rating=5)
    other = signed_in_client("13800006666")
    assert other.post(f"/portal/requests/{filed.pk}/rate/", {"rating": "1"}).status_code == 404


def test_supervisors_see_ratings_and_share_in_time(
    regions, caseworker_a, auditor, django_assert_max_num_queries
):
    for late in (False, True):
        filed = services.request_file(kind="question", text="问", region_code=TOWNSHIP_A)
        if late:
            Request.objects.filter(pk=filed.pk).update(
                due_date=timezone.localdate() - dt.timedelta(days=1)
            )
        services.request_answer(actor=caseworker_a, filed=filed, text="答", close=True)
    Request.objects.filter(answered_in_time=True).update(rating=5)
    staff = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    staff.force_login(auditor)
    with django_assert_max_num_queries(8):
        page = staff.get("/citizens/requests/report/").content.decode()
    assert "下关街道" in page and "50%" in page and "5.0" in page


def test_staff_record_a_hotline_ticket(regions, caseworker_a):
    staff = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    staff.force_login(caseworker_a)
    response = staff.post(
        "/citizens/requests/new/",
        {
            "channel": "hotline",
            "kind": "help",
            "text": "12345转来：老人无人照顾",
            "township": TOWNSHIP_A,
        },
    )
    assert response.status_code == 302
    filed = Request.objects.get()
    assert filed.channel == "hotline" and filed.filed_by == caseworker_a
    with pytest.raises(NotAllowed):
        services.request_file(kind="help", text="x", region_code=TOWNSHIP_A, channel="call")


def test_open_requests_are_listed_in_the_staff_worklist(regions, caseworker_a, caseworker_b):
    services.request_file(kind="help", text="家里断粮了", region_code=TOWNSHIP_A)
    services.request_file(kind="help", text="乙县的事", region_code="532922100")
    staff = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    staff.force_login(caseworker_a)
    page = staff.get("/casework/").content.decode()
    assert "家里断粮了" in page and "乙县的事" not in page


def test_the_staff_list_has_fixed_queries(regions, caseworker_a, django_assert_max_num_queries):
    for n in range(12):
        services.request_file(kind="question", text=f"问题{n}", region_code=TOWNSHIP_A)
    staff = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    staff.force_login(caseworker_a)
    with django_assert_max_num_queries(6):
        page = staff.get("/citizens/requests/").content.decode()
    assert "问题11" in page
