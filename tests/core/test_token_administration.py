"""API tokens on the pages: made with a scope and an expiry; an administrator sees and revokes any."""

import pytest
from django.urls import reverse

from huimin.core import access, roles
from huimin.core.models import ApiToken, AuditEvent
from huimin.core.services import api_token_create
from tests.conftest import make_user


@pytest.fixture(autouse=True)
def in_english(client):
    """Messages are asserted in English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def dali_administrator(regions):
    return make_user("dali_admin", roles.ADMINISTRATOR, ["5329"])


@pytest.fixture
def village_helper(regions):
    return make_user("helper_a", roles.VILLAGE_HELPER, ["532901001001"])


def test_a_token_is_made_read_only_with_fewer_days_on_the_page(client, village_helper):
    client.force_login(village_helper)
    response = client.post(
        reverse("token-create"), {"name": "村表格", "days": "30", "read_only": "1"}
    )
    assert response.status_code == 200 and "hm_" in response.content.decode()
    record = ApiToken.objects.get(user=village_helper)
    assert record.read_only
    assert round((record.expires_at - record.created_at).total_seconds() / 86400) == 30


def test_the_administrator_sees_every_token_in_their_jurisdiction(
    client, dali_administrator, caseworker_a, caseworker_b, regions
):
    outside = make_user("kunming", roles.CASEWORKER, ["53"])
    api_token_create(user=caseworker_a, name="甲县程序", read_only=True)
    api_token_create(user=caseworker_b, name="乙县程序")
    api_token_create(user=outside, name="省里的程序")
    client.force_login(dali_administrator)
    page = client.get(reverse("token-admin")).content.decode()
    assert "甲县程序" in page and "乙县程序" in page and "caseworker_a" in page
    assert "省里的程序" not in page
    assert "read only" in page and "read and write" in page


def test_the_administrator_revokes_any_token_there_and_it_is_audited(
    client, dali_administrator, caseworker_a, auditor
):
    record, token = api_token_create(user=caseworker_a, name="甲县程序")
    client.force_login(dali_administrator)
    response = client.post(reverse("token-revoke", args=[record.pk]), {"next": "admin"})
    assert response.status_code == 302 and response.url == reverse("token-admin")
    record.refresh_from_db()
    assert record.revoked_at is not None
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert event.actor == dali_administrator and event.changes["by_owner"] is False
    assert access.scope(AuditEvent.objects.all(), auditor).filter(pk=event.pk).exists()
    client.logout()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_others_may_neither_see_the_overview_nor_revoke_anothers_token(
    client, caseworker_a, caseworker_b
):
    theirs, _token = api_token_create(user=caseworker_b, name="乙县程序")
    client.force_login(caseworker_a)
    assert client.get(reverse("token-admin")).status_code == 403
    assert client.post(reverse("token-revoke", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
