"""Export of a search result: masked by default, revealed only when allowed, always audited."""

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from huimin.core.models import AuditEvent
from huimin.registry.bulk.services import registry_import_run
from tests.conftest import VILLAGE_A, VILLAGE_B, make_user
from tests.registry.test_import_dry_run import (
    csv_file,
    fresh_serials,  # noqa: F401 - autouse fixture
    head,
    in_english,  # noqa: F401 - autouse fixture
    person,
)


def populate(caseworker_a, caseworker_b, tmp_path) -> dict[str, dict[str, str]]:
    mine = [head("HH-A"), person("HH-A", name="王小红", income_wages="300")]
    theirs = [head("HH-B", village=VILLAGE_B, name="乙县专用标记")]
    registry_import_run(
        user=caseworker_a, path=csv_file(tmp_path, mine, "a.csv"), file_name="a.csv", mode="all"
    )
    registry_import_run(
        user=caseworker_b, path=csv_file(tmp_path, theirs, "b.csv"), file_name="b.csv", mode="all"
    )
    return {"head": mine[0], "child": mine[1], "other": theirs[0]}


def download(client, **params: str):
    return client.get(reverse("registry:export-download"), params)


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_it_masks_personal_data_and_records_the_export(
    client, caseworker_a, caseworker_b, tmp_path
):
    people = populate(caseworker_a, caseworker_b, tmp_path)
    client.force_login(caseworker_a)
    response = download(client, village="5329", format="csv")
    rows = read_csv(response)
    assert len(rows) == 3
    text = response.content.decode("utf-8-sig")
    assert people["head"]["id_number"] not in text and people["head"]["id_number"][:4] in text
    assert people["head"]["bank_account"] not in text and "3000.00" in text
    event = AuditEvent.objects.get(action="registry.export")
    assert event.changes["rows"] == 2 and event.changes["reveal"] is False


def test_it_never_includes_the_other_countys_rows(client, caseworker_a, caseworker_b, tmp_path):
    populate(caseworker_a, caseworker_b, tmp_path)
    client.force_login(caseworker_a)
    for params in ({"village": "53"}, {"q": "乙县专用标记"}, {"village": VILLAGE_B}):
        response = download(client, format="csv", **params)
        assert "乙县专用标记" not in response.content.decode("utf-8-sig")


def test_a_reveal_shows_the_numbers_and_is_audited_with_the_row_count(
    client, caseworker_a, caseworker_b, tmp_path
):
    people = populate(caseworker_a, caseworker_b, tmp_path)
    client.force_login(caseworker_a)
    response = download(client, village=VILLAGE_A, format="xlsx", reveal="1")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = {cell for row in sheet.iter_rows(values_only=True) for cell in row}
    assert people["head"]["id_number"] in values and people["head"]["bank_account"] in values
    event = AuditEvent.objects.get(action="registry.export")
    assert event.changes["reveal"] is True and event.changes["rows"] == 2


def test_a_role_without_reveal_cannot_reveal(client, regions, caseworker_a, caseworker_b, tmp_path):
    populate(caseworker_a, caseworker_b, tmp_path)
    analyst = make_user("analyst", "analyst", ["532901"])
    client.force_login(analyst)
    response = download(client, village=VILLAGE_A, format="csv", reveal="1")
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="registry.export").exists()


def test_an_exported_file_imports_again_without_creating_anything(
    client, caseworker_a, caseworker_b, tmp_path
):
    populate(caseworker_a, caseworker_b, tmp_path)
    client.force_login(caseworker_a)
    path = tmp_path / "export.csv"
    path.write_bytes(download(client, village=VILLAGE_A, format="csv", reveal="1").content)
    outcome = registry_import_run(user=caseworker_a, path=path, file_name="export.csv", mode="all")
    assert outcome.errors == []
    assert outcome.written["persons_created"] == 0 and outcome.written["households_changed"] == 0


def test_the_export_page_needs_the_export_permission(client, caseworker_a, nobody):
    client.force_login(nobody)
    assert client.get(reverse("registry:export")).status_code == 403
    client.force_login(caseworker_a)
    page = client.get(reverse("registry:export")).content.decode()
    assert 'name="reveal"' in page and 'for="export-q"' in page
