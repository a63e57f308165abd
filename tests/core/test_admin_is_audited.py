from huimin.core.models import AuditEvent, Region


def test_a_change_in_the_admin_writes_an_audit_event(client, admin_user):
    client.force_login(admin_user)
    region = Region.objects.get(code="532922")
    response = client.post(
        f"/admin/core/region/{region.pk}/change/",
        {
            "code": "532922",
            "level": "county",
            "name_zh": "漾濞彝族自治县",
            "name_en": "Yangbi County",
            "parent": region.parent_id,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="region.change_in_admin")
    assert event.actor == admin_user
    assert event.changes["fields"] == ["name_en"]


def _user_form(user, **overrides):
    """The admin's user change form as posted, with the user's current values."""
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
        "groups": [str(pk) for pk in user.groups.values_list("pk", flat=True)],
        "jurisdictions": [str(pk) for pk in user.jurisdictions.values_list("pk", flat=True)],
    }
    data.update(overrides)
    return data


def test_a_users_roles_and_jurisdictions_changed_in_the_admin_are_audited(
    client, admin_user, caseworker_a
):
    from django.contrib.auth.models import Group

    from huimin.core import roles

    client.force_login(admin_user)
    approver = Group.objects.get(name=roles.APPROVER)
    yangbi = Region.objects.get(code="532922")
    response = client.post(
        f"/admin/core/user/{caseworker_a.pk}/change/",
        _user_form(
            caseworker_a,
            groups=[str(approver.pk)],
            jurisdictions=[
                str(pk) for pk in caseworker_a.jurisdictions.values_list("pk", flat=True)
            ]
            + [str(yangbi.pk)],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    event = AuditEvent.objects.get(action="user.change_in_admin")
    assert event.object_id == str(caseworker_a.pk)
    assert event.changes["groups"] == {"added": [roles.APPROVER], "removed": [roles.CASEWORKER]}
    assert event.changes["jurisdictions"] == {"added": ["532922"], "removed": []}
    assert event.region_code == "53"  # the administrator's jurisdiction


def test_delete_selected_in_the_admin_audits_each_record(client, admin_user, regions):
    client.force_login(admin_user)
    villages = [regions["532901001001"], regions["532922100201"]]
    response = client.post(
        "/admin/core/region/",
        {
            "action": "delete_selected",
            "_selected_action": [str(v.pk) for v in villages],
            "post": "yes",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not Region.objects.filter(pk__in=[v.pk for v in villages]).exists()
    events = AuditEvent.objects.filter(action="region.delete_in_admin").order_by("seq")
    assert [(e.object_id, e.region_code, e.changes["bulk"]) for e in events] == [
        (str(v.pk), v.code, True) for v in villages
    ]


def test_a_password_set_in_the_admin_is_audited_without_the_password(
    client, admin_user, caseworker_a
):
    client.force_login(admin_user)
    new = "a new and long enough passphrase"
    response = client.post(
        f"/admin/core/user/{caseworker_a.pk}/password/",
        {"password1": new, "password2": new, "set_usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    event = AuditEvent.objects.get(action="user.set_password_in_admin")
    assert event.object_id == str(caseworker_a.pk) and event.actor == admin_user
    assert new not in str(event.changes)


def test_a_refused_password_change_writes_no_event(client, admin_user, caseworker_a):
    client.force_login(admin_user)
    response = client.post(
        f"/admin/core/user/{caseworker_a.pk}/password/",
        {"password1": "one passphrase here", "password2": "another one entirely"},
    )
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="user.set_password_in_admin").exists()


def test_an_administrators_own_password_change_is_audited(client, admin_user):
    from tests.conftest import PASSWORD

    client.force_login(admin_user)
    new = "my own brand new passphrase"
    response = client.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    event = AuditEvent.objects.get(action="user.change_own_password")
    assert event.actor == admin_user and event.object_id == str(admin_user.pk)
