"""Administrators manage the staff of their own regions: accounts, roles, regions, passwords."""

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse

from huimin.core import roles
from huimin.core.administration import services
from huimin.core.errors import NotAllowed, ValidationFailed
from huimin.core.models import AuditEvent, User
from huimin.core.roles import roles_of
from tests.conftest import make_user


@pytest.fixture
def dali_admin(regions) -> User:
    return make_user("admin_dali", roles.ADMINISTRATOR, ["532901"])


def test_it_lists_only_the_users_whose_regions_lie_within_the_admins(
    client, dali_admin, caseworker_a, caseworker_b, django_assert_max_num_queries
):
    both = make_user("both_counties", roles.CASEWORKER, ["532901", "532922"])
    for n in range(30):
        make_user(f"clerk_{n:02}", roles.CASEWORKER, ["532901001"])
    client.force_login(dali_admin)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("administration:users")).content.decode()
    assert "caseworker_a" in page and "clerk_29" in page
    assert "caseworker_b" not in page and both.username not in page
    assert client.get(reverse("administration:user", args=[caseworker_b.pk])).status_code == 404
    assert client.get(reverse("administration:user", args=[both.pk])).status_code == 404


def test_it_creates_a_user_with_a_temporary_password_shown_once(client, dali_admin):
    client.force_login(dali_admin)
    response = client.post(
        reverse("administration:user-new"),
        {
            "full_name": "杨丽",
            "username": "yang_li",
            "roles": [roles.CASEWORKER],
            "area": "532901",
            "township": "532901001",
        },
    )
    assert response.status_code == 200
    user = User.objects.get(username="yang_li")
    password = response.context["temporary_password"]
    assert user.check_password(password) and user.must_change_password
    assert roles_of(user) == [roles.CASEWORKER]
    assert list(user.jurisdictions.values_list("code", flat=True)) == ["532901001"]
    assert password in response.content.decode()
    # shown once: the account's page does not show it again
    assert (
        password not in client.get(reverse("administration:user", args=[user.pk])).content.decode()
    )
    event = AuditEvent.objects.get(action="user.create", object_id=str(user.pk))
    assert event.actor == dali_admin and password not in str(event.changes)


def test_it_refuses_regions_above_or_beside_the_admins_own(dali_admin):
    with pytest.raises(ValidationFailed):
        services.user_add(
            actor=dali_admin, username="x", full_name="x", roles=[], region_codes=["5329"]
        )
    with pytest.raises(ValidationFailed):
        services.user_add(
            actor=dali_admin, username="x", full_name="x", roles=[], region_codes=["532922"]
        )
    assert not User.objects.filter(username="x").exists()


def test_it_refuses_roles_the_actor_does_not_administer(regions, caseworker_a):
    from django.contrib.auth.models import Permission

    manager = make_user("manager", roles.AUDITOR, ["532901"])
    manager.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_user", "view_user"])
    )
    manager = User.objects.get(pk=manager.pk)  # fresh permission cache
    with pytest.raises(NotAllowed):
        services.user_set_roles(actor=manager, user_id=caseworker_a.pk, roles=[roles.APPROVER])
    assert roles_of(caseworker_a) == [roles.CASEWORKER]


def test_an_admin_cannot_disable_or_change_themselves(dali_admin):
    with pytest.raises(NotAllowed):
        services.user_disable(actor=dali_admin, user_id=dali_admin.pk)
    with pytest.raises(NotAllowed):
        services.user_set_jurisdictions(
            actor=dali_admin, user_id=dali_admin.pk, region_codes=["532901", "532922"]
        )
    dali_admin.refresh_from_db()
    assert dali_admin.is_active


def test_an_admin_cannot_reach_a_user_outside(dali_admin, caseworker_b):
    with pytest.raises(Http404):
        services.user_disable(actor=dali_admin, user_id=caseworker_b.pk)


def test_it_disables_and_enables_and_a_disabled_user_cannot_log_in(
    client, dali_admin, caseworker_a
):
    client.force_login(dali_admin)
    client.post(reverse("administration:user-disable", args=[caseworker_a.pk]))
    caseworker_a.refresh_from_db()
    assert not caseworker_a.is_active
    assert not Client().login(username="caseworker_a", password="correct horse battery staple")
    client.post(reverse("administration:user-enable", args=[caseworker_a.pk]))
    caseworker_a.refresh_from_db()
    assert caseworker_a.is_active
    actions = list(
        AuditEvent.objects.filter(object_id=str(caseworker_a.pk), object_type="user")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["user.disable", "user.enable"]


def test_a_reset_password_must_be_changed_at_the_next_login(client, dali_admin, caseworker_a):
    client.force_login(dali_admin)
    response = client.post(reverse("administration:user-password", args=[caseworker_a.pk]))
    temporary = response.context["temporary_password"]
    assert len(temporary) >= 12
    user_client = Client()
    assert user_client.login(username="caseworker_a", password=temporary)
    home = user_client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"] == reverse("account-password")
    user_client.post(
        reverse("account-password"),
        {
            "current_password": temporary,
            "new_password": "my own long passphrase",
            "new_password_again": "my own long passphrase",
        },
    )
    assert user_client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(
        action="user.reset_password", object_id=str(caseworker_a.pk)
    ).exists()


def test_a_password_set_by_the_admin_is_checked_like_any(dali_admin, caseworker_a):
    with pytest.raises(ValidationFailed):
        services.user_reset_password(actor=dali_admin, user_id=caseworker_a.pk, password="12345678")
    _user, shown = services.user_reset_password(
        actor=dali_admin, user_id=caseworker_a.pk, password="a chosen long passphrase"
    )
    assert shown == ""
    caseworker_a.refresh_from_db()
    assert caseworker_a.check_password("a chosen long passphrase")
    assert caseworker_a.must_change_password


def test_it_changes_roles_and_regions_through_the_pages(client, dali_admin, caseworker_a):
    client.force_login(dali_admin)
    client.post(
        reverse("administration:user-roles", args=[caseworker_a.pk]),
        {"roles": [roles.CASEWORKER, roles.APPROVER]},
    )
    assert roles_of(caseworker_a) == [roles.APPROVER, roles.CASEWORKER]
    client.post(
        reverse("administration:user-regions", args=[caseworker_a.pk]),
        {"area": "532901", "township": "532901101"},
    )
    codes = set(caseworker_a.jurisdictions.values_list("code", flat=True))
    assert codes == {"532901", "532901101"}
    client.post(
        reverse("administration:user-regions", args=[caseworker_a.pk]), {"remove": "532901"}
    )
    assert set(caseworker_a.jurisdictions.values_list("code", flat=True)) == {"532901101"}
    refused = client.post(
        reverse("administration:user-regions", args=[caseworker_a.pk]), {"area": "532922"}
    )
    assert refused.status_code == 302
    assert set(caseworker_a.jurisdictions.values_list("code", flat=True)) == {"532901101"}
    changes = AuditEvent.objects.filter(action="user.set_jurisdictions").order_by("seq")
    assert changes.first().changes["regions"] == {"added": ["532901101"], "removed": []}


def test_the_picker_loads_only_the_townships_of_one_county(client, dali_admin):
    client.force_login(dali_admin)
    page = client.get(reverse("administration:user-new")).content.decode()
    assert "532901001" not in page  # townships are not in the first list
    options = client.get(reverse("administration:townships"), {"area": "532901"})
    assert "下关街道" in options.content.decode() and "大理镇" in options.content.decode()
    outside = client.get(reverse("administration:townships"), {"area": "532922"})
    assert "苍山西镇" not in outside.content.decode()


def test_the_pages_need_the_administrators_permissions(client, caseworker_a):
    client.force_login(caseworker_a)
    assert client.get(reverse("administration:users")).status_code == 403


def test_the_navigation_links_administrators_to_their_pages_not_to_the_django_admin(
    client, dali_admin, caseworker_a
):
    client.force_login(dali_admin)
    page = client.get(reverse("home")).content.decode()
    assert reverse("administration:users") in page
    assert reverse("programs:parameters") in page
    assert reverse("account-password") in page
    assert 'href="/admin/' not in page
    client.force_login(caseworker_a)
    page = client.get(reverse("home")).content.decode()
    assert reverse("administration:users") not in page
    assert reverse("account-password") in page


def test_the_audit_trail_tells_each_change_in_words(client, dali_admin, caseworker_a):
    services.user_disable(actor=dali_admin, user_id=caseworker_a.pk)
    services.user_set_roles(
        actor=dali_admin, user_id=caseworker_a.pk, roles=[roles.CASEWORKER, roles.APPROVER]
    )
    client.force_login(dali_admin)
    page = client.get(reverse("audit-list")).content.decode()
    assert "停用了账号 caseworker_a" in page and "修改了 caseworker_a 的角色" in page
    assert reverse("administration:user", args=[caseworker_a.pk]) in page
