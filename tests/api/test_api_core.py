from huimin.core.models import ApiToken, AuditEvent
from huimin.core.services import api_token_create, api_token_revoke, job_create


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_a_token_authenticates_and_shows_the_user_and_regions(client, caseworker_a):
    _record, token = api_token_create(user=caseworker_a, name="村里的表格程序")
    response = client.get("/api/v1/me", **bearer(token))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "caseworker_a"
    assert body["roles"] == ["caseworker"]
    assert [r["code"] for r in body["regions"]] == ["532901"]


def test_only_the_tokens_hash_is_kept(caseworker_a):
    record, token = api_token_create(user=caseworker_a, name="x")
    assert token not in record.token_hash
    assert not ApiToken.objects.filter(token_hash=token).exists()
    assert AuditEvent.objects.filter(action="api_token.create", object_id=str(record.pk)).exists()


def test_a_revoked_or_wrong_token_is_refused(client, caseworker_a):
    record, token = api_token_create(user=caseworker_a, name="x")
    api_token_revoke(user=caseworker_a, token_id=record.pk)
    assert client.get("/api/v1/me", **bearer(token)).status_code == 401
    assert client.get("/api/v1/me", **bearer("hm_not-a-token")).status_code == 401
    assert client.get("/api/v1/me").status_code == 401


def test_regions_are_limited_to_the_jurisdiction(client, caseworker_a):
    client.force_login(caseworker_a)
    codes = {r["code"] for r in client.get("/api/v1/regions").json()}
    assert "532901001001" in codes
    assert not any(code.startswith("532922") for code in codes)


def test_jobs_are_the_users_own(client, caseworker_a, caseworker_b):
    mine = job_create(owner=caseworker_a, kind="k", title="mine")
    theirs = job_create(owner=caseworker_b, kind="k", title="theirs")
    client.force_login(caseworker_a)
    assert [j["id"] for j in client.get("/api/v1/jobs").json()] == [mine.pk]
    assert client.get(f"/api/v1/jobs/{theirs.pk}").status_code == 404


def test_the_openapi_document_and_docs_page_are_served(client, caseworker_a):
    client.force_login(caseworker_a)
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["info"]["title"] == "Huimin API"
    assert "/api/v1/me" in spec["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
