"""Showing a clear number is allowed in jurisdiction, to roles that may, and always audited."""

from huimin.core import roles
from huimin.core.models import AuditEvent
from tests.conftest import VILLAGE_B, make_user
from tests.registry.factories import make_household, member


def test_a_reveal_shows_the_number_once_and_is_audited(client, caseworker_a):
    household = make_household(caseworker_a)
    head = member(household, "张三")
    client.force_login(caseworker_a)
    page = client.get(f"/registry/households/{household.pk}/").content.decode()
    assert head.id_number not in page and head.id_number[-4:] in page
    response = client.post(f"/registry/persons/{head.pk}/reveal/")
    assert response.status_code == 200
    assert head.id_number in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="pii.reveal")
    assert event.actor == caseworker_a
    assert event.object_type == "registry.person" and event.object_id == str(head.pk)
    assert event.changes == {"field": "id_number"}
    assert (
        head.id_number not in client.get(f"/registry/households/{household.pk}/").content.decode()
    )


def test_htmx_gets_only_the_revealed_value(client, caseworker_a):
    household = make_household(caseworker_a)
    client.force_login(caseworker_a)
    response = client.post(
        f"/registry/households/{household.pk}/reveal/",
        {"field": "bank_account"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert "6217000010001234569" in body and "<html" not in body
    assert 'id="bank_account-value"' in body
    assert AuditEvent.objects.filter(
        action="pii.reveal", changes={"field": "bank_account"}
    ).exists()


def test_only_personal_data_fields_can_be_revealed(client, caseworker_a):
    household = make_household(caseworker_a)
    client.force_login(caseworker_a)
    response = client.post(f"/registry/households/{household.pk}/reveal/", {"field": "address"})
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="pii.reveal").exists()


def test_a_reveal_outside_my_jurisdiction_is_not_found(client, caseworker_a, caseworker_b):
    theirs = make_household(caseworker_b, VILLAGE_B, head="远方的人")
    client.force_login(caseworker_a)
    response = client.post(f"/registry/persons/{member(theirs, '远方的人').pk}/reveal/")
    assert response.status_code == 404
    response = client.post(f"/registry/households/{theirs.pk}/reveal/", {"field": "phone"})
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="pii.reveal").exists()


def test_a_role_without_the_permission_cannot_reveal(client, caseworker_a, regions):
    helper = make_user("helper", roles.VILLAGE_HELPER, ["532901"])
    household = make_household(caseworker_a)
    client.force_login(helper)
    page = client.get(f"/registry/households/{household.pk}/").content.decode()
    assert "/reveal/" not in page
    response = client.post(f"/registry/persons/{member(household, '张三').pk}/reveal/")
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="pii.reveal").exists()
