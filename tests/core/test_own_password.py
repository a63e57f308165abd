"""A user changes their own password: the current one, then a new one the validators accept."""

from django.urls import reverse

from huimin.core.models import AuditEvent
from tests.conftest import PASSWORD

NEW = "a river runs through dali"


def change(client, current: str, new: str, again: str | None = None):
    return client.post(
        reverse("account-password"),
        {"current_password": current, "new_password": new, "new_password_again": again or new},
    )


def test_it_changes_the_password_and_keeps_the_session(client, caseworker_a):
    client.force_login(caseworker_a)
    response = change(client, PASSWORD, NEW)
    assert response.status_code == 302
    caseworker_a.refresh_from_db()
    assert caseworker_a.check_password(NEW)
    assert client.get(reverse("home")).status_code == 200  # still logged in
    event = AuditEvent.objects.get(action="user.change_own_password")
    assert event.actor == caseworker_a and NEW not in str(event.changes)


def test_it_refuses_a_wrong_current_password(client, caseworker_a):
    client.force_login(caseworker_a)
    page = change(client, "not my password", NEW).content.decode()
    assert "当前密码不正确" in page
    caseworker_a.refresh_from_db()
    assert caseworker_a.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="user.change_own_password").exists()


def test_it_refuses_short_common_and_numeric_passwords(client, caseworker_a):
    client.force_login(caseworker_a)
    assert "密码太短：至少要 12 个字符" in change(client, PASSWORD, "short-pw").content.decode()
    assert "太常见" in change(client, PASSWORD, "password1234").content.decode()
    assert "只包含数字" in change(client, PASSWORD, "839201748392").content.decode()
    assert "太相似" in change(client, PASSWORD, "caseworker_a1").content.decode()
    caseworker_a.refresh_from_db()
    assert caseworker_a.check_password(PASSWORD)


def test_every_refusal_is_in_chinese_for_a_chinese_reader(client, caseworker_a):
    client.force_login(caseworker_a)
    for bad in ("short-pw", "password1234", "839201748392", "caseworker_a1"):
        page = change(client, PASSWORD, bad).content.decode()
        errors = page.split('class="errorlist"')[1].split(">", 1)[1].split("</ul>")[0]
        assert "password" not in errors.lower() and "密码" in errors, bad


def test_it_refuses_two_different_new_passwords(client, caseworker_a):
    client.force_login(caseworker_a)
    assert "不一致" in change(client, PASSWORD, NEW, NEW + "x").content.decode()


def test_the_settings_ask_for_twelve_characters_and_four_checks(settings):
    names = [v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert names == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",  # Django's, its message translated (core/passwords.py)
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]
    assert settings.AUTH_PASSWORD_VALIDATORS[1]["OPTIONS"]["min_length"] == 12


def test_it_is_in_english_too(client, caseworker_a):
    client.force_login(caseworker_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("account-password")).content.decode()
    assert "Change my password" in page and "At least 12 characters" in page
