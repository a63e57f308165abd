"""An identity number registered in another county: refused, audited there, and rate-limited."""

from datetime import date

import pytest
from django.urls import reverse

from huimin.core import access, roles
from huimin.core.models import AuditEvent
from huimin.core.pii import mask
from huimin.core.services import api_token_create
from huimin.registry.models import Person
from huimin.registry.services._rules import ID_ELSEWHERE_ACTION
from tests.conftest import VILLAGE_A, VILLAGE_B, make_user
from tests.registry.factories import make_household, make_id

ELSEWHERE = "outside your jurisdiction"


@pytest.fixture(autouse=True)
def in_english(client, settings):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def registered_in_a(caseworker_a) -> Person:
    return make_household(caseworker_a, village=VILLAGE_A).members.get(name="张三")


@pytest.fixture
def auditor_of_a(regions):
    return make_user("auditor_a", roles.AUDITOR, ["532901"])


def post_household(client, user, id_number: str):
    token = api_token_create(user=user, name="t")[1]
    payload = {
        "region_code": VILLAGE_B,
        "address": "苍山西镇一村5号",
        "residence_type": "rural",
        "members": [{"name": "杨阿妹", "id_number": id_number, "relation": "head"}],
    }
    return client.post(
        "/api/v1/registry/households",
        payload,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_the_api_answers_409_and_the_other_countys_auditor_sees_the_attempt(
    client, caseworker_b, registered_in_a, auditor_of_a
):
    response = post_household(client, caseworker_b, registered_in_a.id_number)
    assert response.status_code == 409 and ELSEWHERE in response.json()["detail"]
    event = AuditEvent.objects.get(action=ID_ELSEWHERE_ACTION)
    assert event.actor == caseworker_b and event.region_code == VILLAGE_A
    assert event.changes == {"id_number": mask(registered_in_a.id_number)}
    assert registered_in_a.id_number not in str(event.changes)
    assert access.scope(AuditEvent.objects.all(), auditor_of_a).filter(pk=event.pk).exists()
    assert not access.scope(AuditEvent.objects.all(), caseworker_b).filter(pk=event.pk).exists()


def test_the_page_refuses_the_same_and_the_attempt_is_on_record(
    client, caseworker_b, registered_in_a
):
    household = make_household(caseworker_b, village=VILLAGE_B, head="乙县户主", others=())
    client.force_login(caseworker_b)
    response = client.post(
        reverse("registry:person-add", args=[household.pk]),
        {
            "name": "杨阿妹",
            "id_number": registered_in_a.id_number,
            "relation": "child",
            "special_care_category": "none",
            "father_status": "present",
            "mother_status": "present",
            "counted_in_family": "on",
            "able_to_work": "unknown",
            "legal_supporter_able": "unknown",
        },
    )
    assert response.status_code == 200 and ELSEWHERE in response.content.decode()
    event = AuditEvent.objects.get(action=ID_ELSEWHERE_ACTION)
    assert event.region_code == VILLAGE_A and event.object_id == str(registered_in_a.pk)


def test_beyond_the_hourly_limit_every_identity_check_is_refused(
    client, caseworker_b, registered_in_a, settings
):
    settings.FOREIGN_ID_ATTEMPTS_PER_HOUR = 2
    for _attempt in range(2):
        assert post_household(client, caseworker_b, registered_in_a.id_number).status_code == 409
    refused = post_household(client, caseworker_b, registered_in_a.id_number)
    assert refused.status_code == 429
    # A number registered nowhere is refused the same way, so the refusal reveals nothing.
    fresh = post_household(client, caseworker_b, make_id(date(1990, 1, 1), "F", "532922"))
    assert fresh.status_code == 429 and fresh.json() == refused.json()
    assert AuditEvent.objects.filter(action=ID_ELSEWHERE_ACTION).count() == 2
