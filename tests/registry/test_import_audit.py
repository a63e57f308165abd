"""An import's changes are recorded household by household, as changes made by hand are."""

from django.urls import reverse

from huimin.core.audit import REDACTED, audit_verify
from huimin.core.models import AuditEvent
from huimin.registry.models import HouseholdSnapshot
from tests.registry.factories import make_household, member
from tests.registry.test_import_dry_run import (
    csv_file,
    in_english,  # noqa: F401 - autouse fixture
    run,
)
from tests.registry.test_import_known_persons import row_for


def test_each_changed_household_gets_an_event_and_a_snapshot_with_its_changes(
    client, caseworker_a, tmp_path
):
    first, second = make_household(caseworker_a), make_household(caseworker_a, head="赵六")
    untouched = make_household(caseworker_a, head="钱七")
    rows = [
        row_for(member(first, "张三"), phone="13900001111", address="新址1号"),
        row_for(member(first, "李梅"), ethnicity="白族"),
        row_for(member(second, "赵六"), income_wages="900"),
        row_for(member(untouched, "钱七")),
    ]
    rows[0]["address"] = rows[1]["address"] = "新址1号"
    outcome = run(caseworker_a, csv_file(tmp_path, rows, "changes.csv"), mode="all")
    assert outcome.written["households_changed"] == 2

    events = {e.object_id: e for e in AuditEvent.objects.filter(action="household.import")}
    assert set(events) == {str(first.pk), str(second.pk)}
    changes = events[str(first.pk)].changes
    assert changes["household"] == first.household_no and changes["file"] == "changes.csv"
    assert changes["address"] == ["下关镇文化路12号", "新址1号"]
    assert changes["phone"] == [REDACTED, REDACTED], "personal data redacted as field_changes does"
    spouse = member(first, "李梅")
    assert changes["persons"] == {f"李梅 ({spouse.pk})": {"ethnicity": ["", "14"]}}
    assert "13900001111" not in str(changes)
    assert events[str(second.pk)].changes["incomes"] == {
        f"{member(second, '赵六').pk} wages": [0, 90000]
    }
    assert events[str(first.pk)].region_code == first.region_code

    snapshot = HouseholdSnapshot.objects.get(household=first, reason="import")
    assert snapshot.data["changes"] == {
        name: value for name, value in changes.items() if name not in ("household", "file")
    }
    assert not HouseholdSnapshot.objects.filter(household=untouched, reason="import").exists()
    assert audit_verify().intact

    client.force_login(caseworker_a)
    page = client.get(reverse("registry:household", args=[first.pk])).content.decode()
    assert "Imported from a file" in page and "ethnic group" in page.lower()


def test_created_households_get_an_event_each_and_the_chain_holds(caseworker_a, tmp_path):
    from tests.registry.test_import_dry_run import head, person

    rows = [head("HH-1"), person("HH-1"), head("HH-2")]
    run(caseworker_a, csv_file(tmp_path, rows), mode="all")
    created = AuditEvent.objects.filter(action="household.import_create")
    assert sorted(e.changes["household"] for e in created) == ["HH-1", "HH-2"]
    assert AuditEvent.objects.filter(action="registry.import").count() == 1
    assert audit_verify().intact
