"""Failed logins are throttled per user name (from any address) and per address (a spray)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, make_user


@pytest.fixture
def throttled(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.HUIMIN_LOGIN_ADDRESS_FAILURE_LIMIT = 5


def attempt(username: str, password: str, address: str):
    return Client(REMOTE_ADDR=address).post(
        reverse("login"), {"username": username, "password": password}
    )


def test_it_locks_one_user_name_tried_from_many_addresses(throttled, caseworker_a):
    for n in range(2):
        assert attempt("caseworker_a", "wrong", f"10.0.0.{n + 1}").status_code == 200
    attempt("caseworker_a", "wrong", "10.0.0.3")
    # the right password, from yet another address: still locked
    response = attempt("caseworker_a", PASSWORD, "10.0.0.99")
    assert response.status_code == 429
    assert "该账号已锁定" in response.content.decode()


def test_it_throttles_one_address_trying_many_user_names(throttled, regions):
    for n in range(5):
        make_user(f"clerk_{n}", None, ["532901"])
    for n in range(4):  # one wrong password each: no user name reaches its own limit
        assert attempt(f"clerk_{n}", "wrong", "10.9.9.9").status_code == 200
    attempt("clerk_4", "wrong", "10.9.9.9")
    response = attempt("clerk_0", PASSWORD, "10.9.9.9")
    assert response.status_code == 429
    page = response.content.decode()
    assert "这台电脑" in page  # the address, not the account, is paused


def test_a_correct_login_elsewhere_is_unaffected_by_a_spray(throttled, regions, caseworker_a):
    for n in range(5):
        attempt(f"nobody_{n}", "wrong", "10.9.9.9")
    assert attempt("caseworker_b_unknown", "wrong", "10.9.9.9").status_code == 429
    client = Client(REMOTE_ADDR="10.1.1.1")
    response = client.post(reverse("login"), {"username": "caseworker_a", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(caseworker_a.pk)


def test_a_success_clears_the_user_name_but_not_the_addresss_count(throttled, regions):
    make_user("clerk", None, ["532901"])
    for n in range(4):
        attempt(f"ghost_{n}", "wrong", "10.9.9.9")
    assert attempt("clerk", PASSWORD, "10.9.9.9").status_code == 302
    # the sprayer's one success did not wipe the address's failures: one more locks it
    attempt("ghost_9", "wrong", "10.9.9.9")
    assert attempt("clerk", PASSWORD, "10.9.9.9").status_code == 429
