"""Export: only for those who may see the registry pages; audited where its rows are."""

import pytest
from django.db import connection
from django.urls import reverse

from huimin.core import access
from huimin.core.models import AuditEvent
from huimin.registry.bulk.export import registry_export
from tests.conftest import VILLAGE_A, make_user
from tests.registry.factories import make_household


@pytest.fixture
def analyst(regions):
    return make_user("analyst", "analyst", ["53"])


def test_the_analyst_who_may_not_see_the_registry_may_not_export_it(client, caseworker_a, analyst):
    make_household(caseworker_a)
    client.force_login(analyst)
    assert client.get(reverse("registry:search")).status_code == 403
    assert client.get(reverse("registry:export")).status_code == 403
    for params in ({"village": "53"}, {"village": VILLAGE_A}, {"q": "张三"}):
        response = client.get(reverse("registry:export-download"), {**params, "format": "csv"})
        assert response.status_code == 403
        assert "张三" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="registry.export").exists()


def test_an_export_without_a_village_is_seen_by_the_auditor_over_the_prefecture(
    client, caseworker_a, auditor
):
    household = make_household(caseworker_a)
    id_number = household.members.get(name="张三").id_number
    client.force_login(caseworker_a)
    response = client.get(
        reverse("registry:export-download"), {"q": id_number, "format": "csv", "reveal": "1"}
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="registry.export")
    assert event.region_code == VILLAGE_A
    assert access.scope(AuditEvent.objects.all(), auditor).filter(pk=event.pk).exists()


def test_an_export_over_two_townships_is_audited_in_their_county(caseworker_a):
    make_household(caseworker_a, village=VILLAGE_A)
    make_household(caseworker_a, village="532901101201", head="赵四")
    registry_export(user=caseworker_a, q="", village="532901", file_format="csv")
    assert AuditEvent.objects.get(action="registry.export").region_code == "532901"


def test_an_empty_export_without_a_village_is_audited_in_the_exporters_jurisdiction(
    caseworker_a,
):
    registry_export(user=caseworker_a, q="无此人", village="", file_format="csv")
    assert AuditEvent.objects.get(action="registry.export").region_code == "532901"


def test_the_export_reads_the_registry_outside_the_write_transaction(caseworker_a):
    """On SQLite every transaction holds the only write lock: a long read must not be in one."""
    for n in range(3):
        make_household(caseworker_a, head=f"张{n}")
    depth_outside = len(connection.atomic_blocks)
    depths: list[int] = []

    def record(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        if sql.lstrip().upper().startswith("SELECT") and "registry_person" in sql:
            depths.append(len(connection.atomic_blocks))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        exported = registry_export(user=caseworker_a, q="", village=VILLAGE_A, file_format="xlsx")
    assert exported.rows == 6
    assert depths and set(depths) == {depth_outside}
