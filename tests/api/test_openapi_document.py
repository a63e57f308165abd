"""The OpenAPI document is one a generated client can use: unique bodies, errors, formats."""

import pytest


@pytest.fixture
def spec(client) -> dict:
    """The document as a client downloads it."""
    return client.get("/api/v1/openapi.json").json()


def body_schema(spec: dict, path: str, method: str) -> dict:
    content = spec["paths"][path][method]["requestBody"]["content"]["application/json"]
    name = content["schema"]["$ref"].rsplit("/", 1)[-1]
    return spec["components"]["schemas"][name]


def test_it_documents_the_registry_body_for_registering_a_household(spec):
    create = body_schema(spec, "/api/v1/registry/households", "post")
    assert {"region_code", "address", "members"} <= set(create["properties"])
    evaluate = body_schema(spec, "/api/v1/programs/evaluate", "post")
    assert set(evaluate["properties"]) == {"period", "household"}


def test_it_documents_every_error_with_the_shared_error_body(spec):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            codes = set(responses)
            assert {"400", "401", "403", "422"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            for code in codes - {"200", "201"}:
                schema = responses[code]["content"]["application/json"]["schema"]
                assert schema["$ref"].endswith("/ErrorOut"), (method, path, code)
    writes = [
        "post /api/v1/registry/households",
        "patch /api/v1/registry/households/{household_id}",
    ]
    for write in writes:
        method, path = write.split()
        assert "409" in spec["paths"][path][method]["responses"]


def test_it_documents_the_formats_of_months_and_region_codes(spec):
    evaluate = body_schema(spec, "/api/v1/programs/evaluate", "post")
    assert evaluate["properties"]["period"]["pattern"] == r"^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])$"
    create = body_schema(spec, "/api/v1/registry/households", "post")
    assert create["properties"]["region_code"]["pattern"] == r"^[0-9]{12}$"
    assert create["properties"]["address"]["maxLength"] == 200
    search = spec["paths"]["/api/v1/registry/households"]["get"]["parameters"]
    village = next(p for p in search if p["name"] == "village")
    assert village["schema"]["pattern"].startswith("^(|[0-9]{2}")


def test_a_refusal_has_the_documented_body(client, caseworker_a):
    client.force_login(caseworker_a)
    response = client.get("/api/v1/registry/households", {"page": "x"})
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"detail", "field", "errors"}
    assert body["errors"] == [{"field": "page", "message": body["errors"][0]["message"]}]
