from django.urls import reverse

from tests.conftest import PASSWORD


def test_it_shows_the_login_page_in_chinese_by_default(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_it_logs_in_and_shows_the_home_page(client, caseworker_a):
    response = client.post(
        reverse("login"), {"username": "caseworker_a", "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.wsgi_request.user == caseworker_a
    page = response.content.decode()
    assert "大理市" in page  # the jurisdiction, by name


def test_a_wrong_password_says_so_plainly(client, caseworker_a):
    response = client.post(reverse("login"), {"username": "caseworker_a", "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_the_home_page_needs_a_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_switches_to_english(client, caseworker_a):
    client.force_login(caseworker_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("home")).content.decode()
    assert "Welcome" in page and "Dali City" in page
    assert 'lang="en"' in page


def test_repeated_failures_lock_the_account_with_a_clear_message(client, caseworker_a, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(reverse("login"), {"username": "caseworker_a", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "caseworker_a", "password": PASSWORD})
    assert response.status_code == 429
    page = response.content.decode()
    assert "尝试次数过多" in page and "15" in page
    assert "_auth_user_id" not in client.session


def test_pages_carry_security_headers(client, db):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
