import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_a_caseworker_logs_in_with_the_keyboard_and_switches_language(
    phone_page, live_server, caseworker_a
):
    page = phone_page
    page.goto(f"{live_server.url}/login/")
    expect(page.get_by_label("用户名")).to_be_focused()  # no click needed to start typing
    page.keyboard.type("caseworker_a")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("您好")
    assert "大理市" in page.content()
    screenshot(page, "home-zh-phone")

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome")
    assert page.locator("html").get_attribute("lang") == "en"
    screenshot(page, "home-en-phone")


def test_a_wrong_password_is_explained(laptop_page, live_server, caseworker_a):
    page = laptop_page
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("caseworker_a")
    page.get_by_label("密码").fill("not the password")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("alert").inner_text() == "用户名或密码不正确，请重新输入。"
    screenshot(page, "login-error-laptop")


def test_the_page_fits_a_phone_without_sideways_scrolling(phone_page, live_server, caseworker_a):
    log_in(phone_page, live_server, "caseworker_a")
    phone_page.wait_for_url(f"{live_server.url}/")
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
