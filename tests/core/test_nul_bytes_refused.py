"""A NUL byte in a query parameter or form field is refused at the door with 400, naming it.

PostgreSQL cannot store or even compare text holding NUL; views that read a parameter directly
(an API token's name, an export's query) answered 500 there and stored it on SQLite.
"""

from huimin.core.models import ApiToken


def test_it_refuses_a_nul_byte_in_a_form_field_a_view_reads_directly(client, caseworker_a):
    client.force_login(caseworker_a)
    response = client.post("/tokens/new/", {"name": "表格\x00程序"})
    assert response.status_code == 400
    assert "name" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_it_refuses_a_nul_byte_in_an_export_query(client, caseworker_a):
    client.force_login(caseworker_a)
    response = client.get("/registry/export/download/", {"q": "张\x00", "format": "csv"})
    assert response.status_code == 400
    assert "“q”" in response.content.decode()


def test_the_api_answers_with_its_error_body(client, caseworker_a):
    client.force_login(caseworker_a)
    response = client.get("/api/v1/regions", {"parent": "53\x00"})
    assert response.status_code == 400
    assert response.json()["field"] == "parent"


def test_text_without_nul_passes(client, caseworker_a):
    client.force_login(caseworker_a)
    assert client.get("/api/v1/regions", {"parent": "5329"}).status_code == 200
