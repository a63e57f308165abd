"""Every kind of event the citizens app writes, for tests/core/test_audit_every_event_has_a_region.py."""

from datetime import timedelta

from django.test import TestCase

from huimin.citizens import services
from huimin.citizens.models import CitizenAccount, CitizenNotice, NoticeStatus
from huimin.citizens.services.notices import notices_resend_due
from huimin.core.models import User
from huimin.core.pii import blind_index
from tests.citizens.helpers import last_code_to
from tests.registry.factories import make_household

PHONE = "13800009999"


def write_every_citizen_event(caseworker: User) -> None:
    household = make_household(caseworker, head="赵六", others=())
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.sign_in_code_send(phone=PHONE)  # citizen.code_send
    services.citizen_sign_in(phone=PHONE, code=last_code_to(PHONE))  # citizen.sign_in
    services.citizen_account_link(  # citizen.link
        actor=caseworker, phone=PHONE, id_number=household.members.get().id_number
    )
    account = CitizenAccount.objects.get(phone_index=blind_index(PHONE))
    with TestCase.captureOnCommitCallbacks(execute=True):
        # citizen.apply; its first step needs the family: citizen.notice_record, notice_send
        services.citizen_application_submit(account=account, program="tekun", statement="无依无靠")
    # As if the gateway had refused that text: it is sent again (citizen.notice_resend).
    CitizenNotice.objects.filter(account=account).update(status=NoticeStatus.FAILED)
    notices_resend_due()
    filed = services.request_file(  # citizen.request_file
        kind="complaint", text="等太久", region_code=household.region_code, account=account
    )
    services.request_answer(actor=caseworker, filed=filed, text="已办", close=True)  # answer
    services.request_rate(account=account, filed=filed, rating=5)  # citizen.request_rate
    late = services.request_file(kind="help", text="求助", region_code=household.region_code)
    services.requests_escalate_overdue(  # citizen.request_escalate
        today=late.due_date + timedelta(days=1)
    )
