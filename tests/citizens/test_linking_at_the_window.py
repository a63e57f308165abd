import pytest
from django.test import Client

from huimin.citizens.models import CitizenAccount
from huimin.citizens.services import citizen_account_link
from huimin.core.errors import NotAllowed, ValidationFailed
from huimin.core.models import AuditEvent
from tests.citizens.helpers import signed_in_client
from tests.conftest import VILLAGE_B
from tests.registry.factories import make_household

PHONE = "13800003333"


def test_the_window_links_the_account_to_the_person_and_household(caseworker_a):
    household = make_household(caseworker_a)
    head = household.members.get(relation="head")
    client = signed_in_client(PHONE)
    assert "还没有确认" in client.get("/portal/me/").content.decode()
    staff = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    staff.force_login(caseworker_a)
    response = staff.post("/citizens/accounts/link/", {"phone": PHONE, "id_number": head.id_number})
    assert response.status_code == 302
    account = CitizenAccount.objects.get()
    assert account.household == household and account.person == head
    assert account.linked_by == caseworker_a
    event = AuditEvent.objects.get(action="citizen.link")
    assert event.region_code == household.region_code
    assert "还没有确认" not in client.get("/portal/me/").content.decode()


def test_it_links_only_within_the_clerks_area(caseworker_a, caseworker_b):
    other = make_household(caseworker_b, village=VILLAGE_B)
    signed_in_client(PHONE)
    with pytest.raises(ValidationFailed):
        citizen_account_link(
            actor=caseworker_a,
            phone=PHONE,
            id_number=other.members.get(relation="head").id_number,
        )
    assert not CitizenAccount.objects.get().is_linked


def test_it_needs_a_number_that_signed_in(caseworker_a):
    household = make_household(caseworker_a)
    with pytest.raises(ValidationFailed):
        citizen_account_link(
            actor=caseworker_a,
            phone=PHONE,
            id_number=household.members.get(relation="head").id_number,
        )


def test_only_a_caseworker_links(caseworker_a, auditor):
    household = make_household(caseworker_a)
    signed_in_client(PHONE)
    with pytest.raises(NotAllowed):
        citizen_account_link(
            actor=auditor, phone=PHONE, id_number=household.members.get(relation="head").id_number
        )
