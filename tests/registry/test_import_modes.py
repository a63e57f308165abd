"""Import through the pages: dry run, then all-or-nothing or the valid rows, and a second time."""

import csv
import io

import pytest
from django.db import connection
from django.urls import reverse

from huimin.core.models import AuditEvent, Job
from huimin.registry.models import Household, HouseholdSnapshot, IncomeRecord, Person
from tests.registry.test_import_dry_run import (
    KEYS,
    an_id,
    csv_file,
    fresh_serials,  # noqa: F401 - autouse fixture
    head,
    in_english,  # noqa: F401 - autouse fixture
    person,
)


@pytest.fixture
def uploads(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR / "uploads"


def upload(client, path) -> Job:
    with path.open("rb") as handle:
        response = client.post(reverse("registry:import"), {"file": handle})
    assert response.status_code == 302, response.content.decode()[:500]
    return Job.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def apply(client, job: Job, mode: str) -> Job:
    response = client.post(reverse("registry:import-apply", args=[job.pk]), {"mode": mode})
    assert response.status_code == 302
    return Job.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def a_good_household(no: str = "HH-1") -> list[dict[str, str]]:
    return [head(no), person(no, relation="配偶", name="李梅"), person(no, income_wages="800")]


def a_bad_household(no: str = "HH-9") -> list[dict[str, str]]:
    return [head(no), person(no, id_number="532901198001010000")]


def test_the_dry_run_page_shows_row_column_and_reason(client, caseworker_a, uploads, tmp_path):
    client.force_login(caseworker_a)
    job = upload(client, csv_file(tmp_path, a_good_household() + a_bad_household()))
    page = client.get(reverse("registry:import-result", args=[job.pk])).content.decode()
    assert job.outcome["counts"]["rows_rejected"] == 2
    assert "check digit" in page and "Row 6" in page and "公民身份号码" in page
    assert 'value="valid"' in page and not Person.objects.exists()


def test_all_or_nothing_refuses_the_whole_file_and_writes_nothing(
    client, caseworker_a, uploads, tmp_path
):
    client.force_login(caseworker_a)
    checked = upload(client, csv_file(tmp_path, a_good_household() + a_bad_household()))
    job = apply(client, checked, "all")
    job.refresh_from_db()
    assert job.status == "failed" and "Nothing was imported" in job.message
    assert not Household.objects.exists() and not Person.objects.exists()
    assert not AuditEvent.objects.filter(action="registry.import").exists()


def test_all_or_nothing_imports_a_clean_file(client, caseworker_a, uploads, tmp_path):
    client.force_login(caseworker_a)
    job = apply(client, upload(client, csv_file(tmp_path, a_good_household())), "all")
    assert job.status == "succeeded", job.message
    assert Person.objects.count() == 3 and Household.objects.count() == 1
    household = Household.objects.get()
    assert household.payee.name == "王大山"
    assert IncomeRecord.objects.filter(person__household=household).count() == 2
    assert HouseholdSnapshot.objects.filter(household=household, reason="import").count() == 1
    event = AuditEvent.objects.get(action="registry.import")
    assert event.changes["persons_created"] == 3 and event.changes["mode"] == "all"


def test_a_database_failure_half_way_leaves_nothing_behind(caseworker_a, tmp_path, monkeypatch):
    from huimin.registry.bulk import loader
    from huimin.registry.bulk.services import registry_import_run

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(loader, "snapshot_frame", broken)  # after households and persons
    with pytest.raises(RuntimeError):
        registry_import_run(
            user=caseworker_a,
            path=csv_file(tmp_path, a_good_household()),
            file_name="x.csv",
            mode="all",
        )
    assert not Household.objects.exists() and not Person.objects.exists()


def test_valid_rows_mode_imports_the_rest_and_returns_the_refused_rows(
    client, caseworker_a, uploads, tmp_path
):
    client.force_login(caseworker_a)
    bad = a_bad_household()
    job = apply(client, upload(client, csv_file(tmp_path, a_good_household() + bad)), "valid")
    assert job.status == "succeeded", job.message
    assert set(Household.objects.values_list("household_no", flat=True)) == {"HH-1"}

    response = client.get(reverse("registry:import-rejected", args=[job.pk]))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][-1] == "错误原因 error" and len(rows) == 3
    assert "check digit" in rows[2][-1] and "row 6" in rows[1][-1]

    # Fix the identity number in the returned file and upload it again: it goes in.
    id_column = rows[0].index("id_number")
    rows[2][id_column] = an_id()
    fixed = tmp_path / "fixed.csv"
    with fixed.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    again = apply(client, upload(client, fixed), "all")
    assert again.status == "succeeded", again.message
    assert Household.objects.count() == 2 and Person.objects.count() == 5


def test_importing_the_same_file_twice_creates_nothing_the_second_time(
    client, caseworker_a, uploads, tmp_path
):
    client.force_login(caseworker_a)
    path = csv_file(tmp_path, a_good_household("HH-1") + a_good_household("HH-2"))
    first = apply(client, upload(client, path), "all")
    snapshots = HouseholdSnapshot.objects.count()
    second_check = upload(client, path)
    assert second_check.outcome["counts"]["persons_new"] == 0
    second = apply(client, second_check, "all")
    assert first.outcome["written"]["persons_created"] == 6
    assert second.outcome["written"] == {
        "households_created": 0,
        "persons_created": 0,
        "households_changed": 0,
        "incomes_created": 0,
        "assets_created": 0,
    }
    assert Person.objects.count() == 6 and IncomeRecord.objects.count() == 4
    assert HouseholdSnapshot.objects.count() == snapshots


def test_a_changed_value_updates_the_known_person_and_replaces_the_income(caseworker_a, tmp_path):
    from huimin.registry.bulk.services import registry_import_run

    rows = a_good_household()
    registry_import_run(
        user=caseworker_a, path=csv_file(tmp_path, rows, "a.csv"), file_name="a.csv", mode="all"
    )
    rows[1]["name"] = "李梅梅"
    rows[0]["income_wages"] = "1500"
    outcome = registry_import_run(
        user=caseworker_a, path=csv_file(tmp_path, rows, "b.csv"), file_name="b.csv", mode="all"
    )
    assert outcome.written["persons_created"] == 0 and outcome.written["households_changed"] == 1
    assert Person.objects.filter(name="李梅梅").exists()
    wages = IncomeRecord.objects.filter(person__name="王大山", income_type="wages")
    assert sorted((w.monthly_fen, w.valid_to is None) for w in wages) == [
        (120050, False),
        (150000, True),
    ]
    assert HouseholdSnapshot.objects.filter(reason="import").count() == 2


def test_the_database_holds_no_clear_identity_or_bank_number(caseworker_a, tmp_path):
    from huimin.registry.bulk.services import registry_import_run

    rows = a_good_household()
    registry_import_run(
        user=caseworker_a, path=csv_file(tmp_path, rows), file_name="a.csv", mode="all"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM registry_person")
        stored = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT bank_account, phone FROM registry_household")
        stored += " ".join(" ".join(row) for row in cursor.fetchall())
        cursor.execute("SELECT data FROM registry_householdsnapshot")
        stored += " ".join(str(row[0]) for row in cursor.fetchall())
    for secret in (
        rows[0]["id_number"],
        rows[1]["id_number"],
        rows[0]["bank_account"],
        rows[0]["phone"],
    ):
        assert secret not in stored


def test_a_village_outside_the_jurisdiction_is_refused(caseworker_b, tmp_path):
    from huimin.registry.bulk.services import registry_import_run

    outcome = registry_import_run(
        user=caseworker_b,
        path=csv_file(tmp_path, a_good_household()),
        file_name="a.csv",
        mode="valid",
    )
    assert outcome.written["households_created"] == 0
    assert "outside your jurisdiction" in outcome.errors[0][3]
    assert not Household.objects.exists()


def test_an_excel_file_goes_through_the_same_checks(client, caseworker_a, uploads, tmp_path):
    from huimin.registry.bulk.template import rows_to_xlsx

    rows = a_good_household() + a_bad_household()
    path = tmp_path / "people.xlsx"
    path.write_bytes(rows_to_xlsx(KEYS, [[row.get(k, "") for k in KEYS] for row in rows]))
    client.force_login(caseworker_a)
    job = apply(client, upload(client, path), "valid")
    assert job.status == "succeeded", job.message
    assert Person.objects.count() == 3
    response = client.get(reverse("registry:import-rejected", args=[job.pk]))
    assert b"".join(response.streaming_content)[:2] == b"PK"  # an Excel file, as uploaded
    assert 'filename="people-rejected.xlsx"' in response["Content-Disposition"]


def test_the_templates_download_and_explain_every_column(client, caseworker_a):
    from openpyxl import load_workbook

    from huimin.registry.bulk.columns import COLUMNS

    client.force_login(caseworker_a)
    csv_response = client.get(reverse("registry:import-template-csv"))
    header = next(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert header == [c.label_zh for c in COLUMNS]
    xlsx = client.get(reverse("registry:import-template-xlsx"))
    book = load_workbook(io.BytesIO(xlsx.content))
    explained = {row[1] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert {c.key for c in COLUMNS} <= explained


def test_the_template_itself_passes_the_dry_run(caseworker_a, tmp_path):
    from huimin.registry.bulk.services import registry_import_run
    from huimin.registry.bulk.template import template_csv

    path = tmp_path / "template.csv"
    path.write_bytes(template_csv())
    outcome = registry_import_run(
        user=caseworker_a, path=path, file_name="template.csv", mode="check"
    )
    assert outcome.errors == []


def test_a_large_file_runs_as_a_background_job(
    client, caseworker_a, uploads, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    from huimin.registry.bulk import views

    monkeypatch.setattr(views, "INLINE_MAX_BYTES", 10)
    client.force_login(caseworker_a)
    with django_capture_on_commit_callbacks(execute=True):
        checked = upload(client, csv_file(tmp_path, a_good_household()))
    checked.refresh_from_db()
    assert checked.task_id and checked.status == "succeeded"
    with django_capture_on_commit_callbacks(execute=True):
        job = apply(client, checked, "all")
    job.refresh_from_db()
    assert job.status == "succeeded" and job.done == job.total == 3
    assert Person.objects.count() == 3


def test_caseworkers_without_the_import_permission_are_refused(client, auditor):
    client.force_login(auditor)
    assert client.get(reverse("registry:import")).status_code == 403


def test_a_parents_situation_and_since_when_are_imported_and_checked(caseworker_a, tmp_path):
    from huimin.registry.bulk.services import registry_import_run

    child = person(mother_status="missing", mother_status_since="2026-03-01", father_status="dead")
    future = person("HH-2", mother_status="missing", mother_status_since="2099-01-01")
    outcome = registry_import_run(
        user=caseworker_a,
        path=csv_file(tmp_path, [head(), child, head("HH-2"), future]),
        file_name="parents.csv",
        mode="valid",
    )
    imported = Person.objects.get(id_number_index__in=_index_of(child["id_number"]))
    assert str(imported.mother_status_since) == "2026-03-01"
    assert imported.father_status == "dead" and imported.father_status_since is None
    assert any(column == "mother_status_since" for _row, column, _label, _message in outcome.errors)
    assert not Household.objects.filter(household_no="HH-2").exists()


def _index_of(id_number: str) -> list[str]:
    from huimin.core.pii import blind_index_candidates

    return blind_index_candidates(id_number)
