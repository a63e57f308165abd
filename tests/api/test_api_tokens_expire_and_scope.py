"""API tokens: each expires, may be read-only, and records its last use at most once a minute."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from huimin.core.errors import NotAllowed, ValidationFailed
from huimin.core.models import ApiToken, AuditEvent
from huimin.core.services import api_token_create, api_token_user
from huimin.registry.models import Household
from tests.conftest import VILLAGE_A
from tests.registry.factories import make_household, make_id


@pytest.fixture(autouse=True)
def in_english(client):
    """Messages are asserted in English."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_a_new_token_expires_after_the_configured_days(caseworker_a, settings):
    settings.API_TOKEN_DAYS = 90
    record, _token = api_token_create(user=caseworker_a, name="表格")
    lifetime = record.expires_at - record.created_at
    assert round(lifetime.total_seconds() / 86400) == 90
    shorter, _token = api_token_create(user=caseworker_a, name="短", days=7)
    assert round((shorter.expires_at - shorter.created_at).total_seconds() / 86400) == 7
    for days in (0, 91):
        with pytest.raises(ValidationFailed):
            api_token_create(user=caseworker_a, name="长", days=days)
    event = AuditEvent.objects.filter(action="api_token.create").last()
    assert event.region_code == "532901" and event.changes["read_only"] is False


def test_an_expired_token_answers_401_saying_it_expired(client, caseworker_a):
    record, token = api_token_create(user=caseworker_a, name="旧")
    ApiToken.objects.filter(pk=record.pk).update(expires_at=timezone.now() - timedelta(days=1))
    response = client.get("/api/v1/me", **bearer(token))
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_a_read_only_token_reads_but_may_not_write(client, caseworker_a):
    household = make_household(caseworker_a)
    _record, token = api_token_create(user=caseworker_a, name="只读", read_only=True)
    assert (
        client.get(
            "/api/v1/registry/households", {"village": VILLAGE_A}, **bearer(token)
        ).status_code
        == 200
    )
    payload = {
        "region_code": VILLAGE_A,
        "address": "大理镇一村5号",
        "residence_type": "rural",
        "members": [
            {"name": "杨阿妹", "id_number": make_id(date(1975, 2, 3), "F"), "relation": "head"}
        ],
    }
    url = f"/api/v1/registry/households/{household.pk}"
    for send, path, body in (
        (client.post, "/api/v1/registry/households", payload),
        (client.put, url, {"version": household.version, "address": "改"}),
        (client.patch, url, {"version": household.version, "address": "改"}),
    ):
        response = send(path, body, content_type="application/json", **bearer(token))
        assert response.status_code == 403
        assert "read-only" in response.json()["detail"]
    assert Household.objects.count() == 1
    assert Household.objects.get().address != "改"
    with pytest.raises(NotAllowed):
        api_token_user(token, method="DELETE")


def test_last_use_is_written_at_most_once_a_minute(client, caseworker_a):
    record, token = api_token_create(user=caseworker_a, name="忙")
    assert client.get("/api/v1/me", **bearer(token)).status_code == 200
    record.refresh_from_db()
    assert record.last_used_at is not None
    recent = timezone.now() - timedelta(seconds=20)
    ApiToken.objects.filter(pk=record.pk).update(last_used_at=recent)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/me", **bearer(token)).status_code == 200
    assert not [q for q in queries if q["sql"].startswith("UPDATE") and "core_apitoken" in q["sql"]]
    record.refresh_from_db()
    assert record.last_used_at == recent
    ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now() - timedelta(minutes=2))
    client.get("/api/v1/me", **bearer(token))
    record.refresh_from_db()
    assert record.last_used_at > recent
