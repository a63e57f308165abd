"""Texts to a confirmed family about its own case: a step that needs it, a decision, a payment
that failed, a review coming; each recorded, audited, sent after the commit, never twice."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from huimin.casework import services as casework
from huimin.casework.models import Application, Entitlement
from huimin.citizens.models import CitizenAccount, CitizenNotice, NoticeKind, NoticeStatus
from huimin.citizens.services import citizen_account_link, citizen_application_submit
from huimin.citizens.services.notices import (
    MAX_ATTEMPTS,
    notice_deliver,
    notices_resend_due,
    notify_decision,
    notify_reviews_due,
    review_notice_days,
)
from huimin.citizens.sms import SmsNotSent, outbox_path
from huimin.core.models import AuditEvent
from huimin.core.pii import blind_index
from huimin.payments import services as payments
from huimin.programs.services import parameter_override_create
from tests.casework import cases
from tests.citizens.helpers import sent_texts, signed_in_client
from tests.conftest import VILLAGE_A, VILLAGE_B
from tests.payments.factories import approver_user, finance_user, make_entitlement
from tests.payments.flow import LAYOUT, approved_cycle, bank_return
from tests.registry.factories import make_household

PHONE = "13800005555"


def texts_to(phone: str) -> list[str]:
    path = outbox_path()
    if not path.exists():
        return []
    return [
        line.split("\t", 2)[2]
        for line in path.read_text(encoding="utf-8").splitlines()
        if f"\t{phone}\t" in line and "验证码" not in line
    ]


def confirm(caseworker, household, phone: str = PHONE) -> CitizenAccount:
    signed_in_client(phone)
    head = household.members.get(relation="head")
    return citizen_account_link(actor=caseworker, phone=phone, id_number=head.id_number)


@pytest.fixture
def cast(caseworker_a):
    return cases.staff()


@pytest.fixture
def family(caseworker_a, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    household = make_household(caseworker_a, head="周短信")
    account = confirm(caseworker_a, household)
    return household, account


def test_applying_online_tells_the_family_to_sign_the_authorization(caseworker_a, family):
    household, account = family
    with sent_texts():
        application = citizen_application_submit(
            account=account, program="dibao", statement="没有收入"
        )
    [text] = texts_to(PHONE)
    assert "授权书" in text and "最低生活保障" in text
    notice = CitizenNotice.objects.get(account=account)
    assert notice.kind == NoticeKind.STEP_NEEDS_YOU and notice.status == NoticeStatus.SENT
    assert notice.object_type == "casework.step" and notice.text == text
    assert notice.sent_at is not None
    step = application.steps.get(status="open")
    assert notice.object_id == str(step.pk)
    assert AuditEvent.objects.filter(action="citizen.notice_record", object_id=str(notice.pk))
    assert AuditEvent.objects.filter(action="citizen.notice_send", object_id=str(notice.pk))


def test_a_home_visit_is_announced_with_its_date(caseworker_a, family):
    household, account = family
    application = cases.dibao_application(caseworker_a, household)
    with sent_texts():
        cases.verify(caseworker_a, application)
    visit = application.steps.get(status="open")
    assert visit.kind == "home_visit"
    text = texts_to(PHONE)[-1]
    assert "入户" in text
    assert f"{visit.due_date.year}年{visit.due_date.month}月{visit.due_date.day}日" in text


def test_no_text_when_the_authorization_is_already_signed(caseworker_a, family):
    household, account = family
    application = cases.dibao_application(caseworker_a, household)
    before = CitizenNotice.objects.count()
    # The verification step was open before any signature: it is told once, not again.
    cases.authorize(caseworker_a, application)
    assert CitizenNotice.objects.count() == before == 1


def test_an_approval_says_how_much_and_from_when_and_is_sent_once(
    caseworker_a, cast, approver_a, family
):
    household, account = family
    application = cases.dibao_application(caseworker_a, household)
    cases.to_decision(caseworker_a, cast, application)
    with sent_texts():
        decision = casework.decision_approve(actor=approver_a, application=application)
    text = texts_to(PHONE)[-1]
    yuan = f"{decision.amount_fen // 100}.{decision.amount_fen % 100:02d}"
    assert "已批准" in text and yuan.replace(",", "") in text.replace(",", "")
    with sent_texts():  # the same event again: recorded once, sent once
        assert notify_decision(application=application, decision=decision) == 0
    approvals = CitizenNotice.objects.filter(account=account, kind=NoticeKind.APPROVED)
    assert approvals.count() == 1
    assert sum("已批准" in t for t in texts_to(PHONE)) == 1


def test_a_refusal_points_to_the_letter_and_the_appeal(caseworker_a, cast, approver_a, family):
    household, account = family
    application = cases.dibao_application(caseworker_a, household)
    cases.to_decision(caseworker_a, cast, application)
    with sent_texts():
        casework.decision_refuse(actor=approver_a, application=application, note="家访发现有车")
    text = texts_to(PHONE)[-1]
    assert "未获批准" in text and "复议" in text
    assert "有车" not in text  # the reasons are in the letter, not in a text


def test_a_pause_asks_the_family_to_call_without_the_caseworkers_words(caseworker_a, family):
    household, account = family
    application = cases.dibao_application(caseworker_a, household)
    with sent_texts():
        casework.procedure_suspend(
            actor=caseworker_a, application=application, reason="缺少周短信的病历"
        )
    text = texts_to(PHONE)[-1]
    assert "暂停" in text and "病历" not in text and "周短信" not in text
    assert CitizenNotice.objects.filter(kind=NoticeKind.PAUSED).count() == 1


def test_only_confirmed_accounts_of_the_household_are_told(caseworker_a, family):
    household, account = family
    signed_in_client("13800006666")  # signed in, never confirmed at the window
    other = make_household(caseworker_a, head="吴他户")
    confirm(caseworker_a, other, "13800007777")
    with sent_texts():
        cases.dibao_application(caseworker_a, household)
    assert texts_to("13800006666") == [] and texts_to("13800007777") == []
    assert set(CitizenNotice.objects.values_list("account_id", flat=True)) == {account.pk}


def test_a_failed_payment_names_the_account_by_its_last_four_digits(caseworker_a, settings):
    finance, approver = finance_user(), approver_user()
    cycle = approved_cycle(caseworker_a, finance, approver, n=2)
    failed, paid = list(cycle.lines.order_by("pk"))
    account = confirm(caseworker_a, failed.household)
    payments.cycle_export(actor=finance, cycle=cycle, layout_key=LAYOUT)
    name, content = bank_return(cycle, {failed.pk: ("F", "AC04")})
    with sent_texts():
        payments.return_apply(actor=finance, cycle=cycle, content=content, file_name=name)
    [text] = texts_to(PHONE)
    number = failed.household.bank_account
    assert number[-4:] in text and number not in text and number[:8] not in text
    assert "2026年12月" in text and "销户" in text
    notice = CitizenNotice.objects.get(account=account)
    assert notice.kind == NoticeKind.PAYMENT_FAILED
    assert (notice.object_type, notice.object_id) == ("payments.paymentline", str(failed.pk))


def test_a_review_due_is_announced_once_by_the_daily_command(caseworker_a, family):
    household, account = family
    today = timezone.localdate()
    entitlement = make_entitlement(
        caseworker_a, household, review_due=today + dt.timedelta(days=20)
    )
    make_entitlement(caseworker_a, review_due=today + dt.timedelta(days=20))  # nobody linked
    later = make_entitlement(caseworker_a, household, program="tekun")
    Entitlement.objects.filter(pk=later.pk).update(review_due=today + dt.timedelta(days=90))
    with sent_texts():
        call_command("casework_daily", on=today)
        call_command("casework_daily", on=today + dt.timedelta(days=1))
    [text] = texts_to(PHONE)
    assert "复核" in text
    [notice] = CitizenNotice.objects.filter(kind=NoticeKind.REVIEW_DUE)
    assert notice.object_id == str(entitlement.pk)
    # The next review, once set, is a new event.
    Entitlement.objects.filter(pk=entitlement.pk).update(review_due=today + dt.timedelta(days=25))
    with sent_texts():
        assert notify_reviews_due(on=today) == 1


def test_a_county_sets_its_own_notice_window_from_a_date(caseworker_a, family):
    household, account = family
    today = timezone.localdate()
    entitlement = make_entitlement(
        caseworker_a, household, review_due=today + dt.timedelta(days=20)
    )
    parameter_override_create(
        actor=None,
        name="citizens.review_notice_days",
        region=VILLAGE_A[:6],
        start=today.replace(day=1),
        value=10,
        source="大理市民政局 2026 年第 9 号 (test)",
    )
    assert review_notice_days(region_code=household.region_code, on=today) == 10
    assert review_notice_days(region_code=VILLAGE_B, on=today) == 30  # elsewhere: the default
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    assert review_notice_days(region_code=household.region_code, on=last_month) == 30
    with sent_texts():
        assert notify_reviews_due(on=today) == 0  # 20 days off, the county tells 10 before
        assert notify_reviews_due(on=today + dt.timedelta(days=10)) == 1
    [notice] = CitizenNotice.objects.filter(kind=NoticeKind.REVIEW_DUE)
    assert notice.object_id == str(entitlement.pk)


class Refusing:
    def send(self, *, phone: str, text: str) -> None:
        raise SmsNotSent("gateway said no")


def test_a_text_the_gateway_refuses_is_recorded_as_not_delivered(caseworker_a, family, settings):
    household, account = family
    settings.HUIMIN_SMS_BACKEND = "tests.citizens.test_notices_by_sms.Refusing"
    with sent_texts():
        cases.dibao_application(caseworker_a, household)
    notice = CitizenNotice.objects.get(account=account)
    assert notice.status == NoticeStatus.FAILED and notice.sent_at is None
    assert "gateway said no" in notice.failure
    event = AuditEvent.objects.get(action="citizen.notice_send", object_id=str(notice.pk))
    assert event.changes["status"] == "failed"


def test_a_notice_is_not_sent_before_the_commit(caseworker_a, family):
    household, account = family
    cases.dibao_application(caseworker_a, household)  # its transaction never commits here
    assert texts_to(PHONE) == []
    assert CitizenNotice.objects.get(account=account).status == NoticeStatus.QUEUED


def test_texts_carry_no_identity_or_phone_number(caseworker_a, cast, approver_a, family):
    household, account = family
    with sent_texts():
        application = cases.dibao_application(caseworker_a, household)
        cases.to_decision(caseworker_a, cast, application)
        casework.decision_approve(actor=approver_a, application=application)
    sent = texts_to(PHONE)
    assert len(sent) >= 3  # authorization, home visit, decision
    id_number = household.members.get(relation="head").id_number
    for text in sent:
        assert id_number[-6:] not in text and PHONE[-4:] not in text
        assert len(text) <= 120, text
    assert blind_index(PHONE) == account.phone_index
    assert Application.objects.get(pk=application.pk).status == "approved"


# Sending again what did not go out ---------------------------------------------------------


def queued_notice(caseworker, household) -> CitizenNotice:
    """A notice recorded but not yet sent (the test's transaction never commits)."""
    cases.dibao_application(caseworker, household)
    return CitizenNotice.objects.get(kind=NoticeKind.STEP_NEEDS_YOU)


def test_a_notice_left_being_sent_is_sent_again_once(caseworker_a, family):
    household, account = family
    notice = queued_notice(caseworker_a, household)
    now = timezone.now()
    # Its worker died after claiming it: "being sent" for 20 minutes.
    CitizenNotice.objects.filter(pk=notice.pk).update(
        status=NoticeStatus.SENDING, attempts=1, claimed_at=now - dt.timedelta(minutes=20)
    )
    with sent_texts():
        assert notices_resend_due(now=now) == 1
        assert notices_resend_due(now=now) == 0  # the second run finds it sent
        assert notices_resend_due(now=now + dt.timedelta(days=1)) == 0
    assert texts_to(PHONE) == [notice.text]
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.SENT and notice.attempts == 2
    resend = AuditEvent.objects.get(action="citizen.notice_resend", object_id=str(notice.pk))
    assert resend.changes["was"] == "sending" and resend.changes["attempt"] == 2
    assert resend.region_code == household.region_code


def test_a_notice_being_sent_just_now_is_left_to_its_worker(caseworker_a, family):
    household, account = family
    notice = queued_notice(caseworker_a, household)
    now = timezone.now()
    CitizenNotice.objects.filter(pk=notice.pk).update(
        status=NoticeStatus.SENDING, attempts=1, claimed_at=now - dt.timedelta(minutes=2)
    )
    with sent_texts():
        assert notices_resend_due(now=now) == 0
    assert texts_to(PHONE) == []
    assert CitizenNotice.objects.get(pk=notice.pk).status == NoticeStatus.SENDING


def test_a_sent_notice_is_never_sent_again(caseworker_a, family):
    household, account = family
    with sent_texts():
        cases.dibao_application(caseworker_a, household)
    [notice] = CitizenNotice.objects.all()
    assert notice.status == NoticeStatus.SENT and notice.attempts == 1
    with sent_texts():
        for days in (0, 1, 30):
            assert notices_resend_due(now=timezone.now() + dt.timedelta(days=days)) == 0
        notice_deliver(notice_id=notice.pk)  # a doubled task: claimed already, skipped
    assert len(texts_to(PHONE)) == 1
    assert not AuditEvent.objects.filter(action="citizen.notice_resend")


def test_a_refused_text_is_tried_again_later_each_time_then_given_up(
    caseworker_a, family, settings
):
    household, account = family
    settings.HUIMIN_SMS_BACKEND = "tests.citizens.test_notices_by_sms.Refusing"
    with sent_texts():
        cases.dibao_application(caseworker_a, household)
    notice = CitizenNotice.objects.get(account=account)
    assert notice.status == NoticeStatus.FAILED and notice.attempts == 1
    assert notices_resend_due(now=timezone.now()) == 0  # not due yet: it waits
    waits = []
    while notice.status == NoticeStatus.FAILED:
        assert notice.next_try_at is not None and notice.claimed_at is not None
        waits.append(notice.next_try_at - notice.claimed_at)
        assert notices_resend_due(now=notice.next_try_at) == 1
        notice.refresh_from_db()
    assert notice.attempts == MAX_ATTEMPTS and notice.status == NoticeStatus.GIVEN_UP
    assert len(waits) == MAX_ATTEMPTS - 1
    assert all(later > earlier for earlier, later in zip(waits, waits[1:], strict=False))
    assert notices_resend_due(now=timezone.now() + dt.timedelta(days=30)) == 0
    assert CitizenNotice.objects.get(pk=notice.pk).attempts == MAX_ATTEMPTS
    outcomes = AuditEvent.objects.filter(
        action="citizen.notice_send", object_id=str(notice.pk)
    ).order_by("pk")
    assert [e.changes["status"] for e in outcomes] == ["failed"] * (MAX_ATTEMPTS - 1) + ["given_up"]
    # The resident's page says it was not delivered (not "trying again").
    settings.HUIMIN_SMS_BACKEND = "huimin.citizens.sms.FileBackend"  # for the sign-in code
    page = signed_in_client(PHONE).get("/portal/me/").content.decode()
    assert "未送达" in page and "将再次发送" not in page


def test_a_notice_stuck_after_its_last_attempt_is_given_up_not_sent(caseworker_a, family):
    household, account = family
    notice = queued_notice(caseworker_a, household)
    now = timezone.now()
    CitizenNotice.objects.filter(pk=notice.pk).update(
        status=NoticeStatus.SENDING,
        attempts=MAX_ATTEMPTS,
        claimed_at=now - dt.timedelta(hours=1),
    )
    with sent_texts():
        assert notices_resend_due(now=now) == 0
    assert texts_to(PHONE) == []
    assert CitizenNotice.objects.get(pk=notice.pk).status == NoticeStatus.GIVEN_UP


def test_the_commands_send_again_what_is_due(caseworker_a, family):
    household, account = family
    notice = queued_notice(caseworker_a, household)
    past = timezone.now() - dt.timedelta(minutes=1)
    CitizenNotice.objects.filter(pk=notice.pk).update(
        status=NoticeStatus.FAILED, attempts=1, next_try_at=past
    )
    out = io.StringIO()
    with sent_texts():
        call_command("citizens_resend_notices", stdout=out)
    assert "sent again: 1" in out.getvalue()
    assert CitizenNotice.objects.get(pk=notice.pk).status == NoticeStatus.SENT
    CitizenNotice.objects.filter(pk=notice.pk).update(
        status=NoticeStatus.FAILED, attempts=2, next_try_at=past
    )
    out = io.StringIO()
    with sent_texts():
        call_command("casework_daily", stdout=out)
    assert "1 notice(s) sent again" in out.getvalue()
    assert texts_to(PHONE) == [notice.text, notice.text]
