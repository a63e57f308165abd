"""The administration pages in a browser, in Chinese and English, on a phone and a laptop:
staff accounts (with the county → township picker), one's own password, a local standard
proposed with its effect and approved by a second person."""

import pytest
from playwright.sync_api import expect

from huimin.core import roles
from huimin.programs.models import ParameterProposal, ProposalStatus
from tests.conftest import PASSWORD, VILLAGE_A, make_user
from tests.e2e.conftest import screenshot
from tests.programs.test_evaluate_and_explain import make_household

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"phone": 390, "laptop": 1366}
WORDS = {
    "zh": {
        "accounts": "工作人员账号",
        "new": "新建账号",
        "create": "创建账号",
        "temporary": "临时密码",
        "change_password": "修改我的密码",
        "changed": "您的密码已修改",
        "standards": "本地标准",
        "effect": "影响测算",
        "propose": "提交审批",
        "approve": "批准：按生效日期执行",
        "approved": "已批准",
        "waiting": "等待另一位有审批权限的人审批",
    },
    "en": {
        "accounts": "Staff accounts",
        "new": "New account",
        "create": "Create the account",
        "temporary": "Temporary password",
        "change_password": "Change my password",
        "changed": "Your password is changed",
        "standards": "Local standards",
        "effect": "Effect, computed by the rules engine",
        "propose": "Propose for approval",
        "approve": "Approve: put the value in force",
        "approved": "approved",
        "waiting": "Waiting for a second person",
    },
}
CASES = [(lang, size) for lang in ("zh", "en") for size in WIDTHS]


@pytest.fixture(params=CASES, ids=[f"{lang}-{size}" for lang, size in CASES])
def case(request, browser, live_server):
    lang, size = request.param
    context = browser.new_context(
        viewport={"width": WIDTHS[size], "height": 800},
        locale="zh-CN" if lang == "zh" else "en-GB",
    )
    context.add_cookies(
        [
            {
                "name": "django_language",
                "value": "zh-hans" if lang == "zh" else "en",
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    yield page, lang, size
    context.close()


def log_in(page, live_server, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("button.primary").click()


def no_sideways_scroll(page) -> None:
    page.wait_for_load_state()  # after a click, the next page may not be there yet
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_an_administrator_creates_an_account_with_the_picker(case, live_server, regions):
    page, lang, size = case
    w = WORDS[lang]
    make_user("admin_dali", roles.ADMINISTRATOR, ["532901"])
    make_user("clerk_xiaguan", roles.CASEWORKER, ["532901001"])
    log_in(page, live_server, "admin_dali")
    page.get_by_role("link", name=w["accounts"]).click()
    expect(page.get_by_role("link", name="clerk_xiaguan")).to_be_visible()
    no_sideways_scroll(page)
    screenshot(page, f"admin-users-{lang}-{size}")
    page.get_by_role("link", name=w["new"]).click()
    page.locator("#id_full_name").fill("杨丽")
    page.locator("#id_username").fill(f"yang_li_{lang}")
    page.locator("input[name=roles][value=caseworker]").check()
    page.locator("#id_area").select_option("532901")
    # htmx loads the county's townships into the second list
    expect(page.locator("#id_township option[value='532901001']")).to_have_count(1)
    page.locator("#id_township").select_option("532901001")
    no_sideways_scroll(page)
    screenshot(page, f"admin-user-new-{lang}-{size}")
    page.get_by_role("button", name=w["create"]).click()
    expect(
        page.get_by_role("heading", name=w["temporary"]).or_(page.locator(".notice h2"))
    ).to_be_visible()
    assert page.locator("code.token").inner_text().count("-") == 3
    no_sideways_scroll(page)
    screenshot(page, f"admin-user-created-{lang}-{size}")


def test_a_user_with_a_reset_password_chooses_their_own(case, live_server, regions):
    page, lang, size = case
    w = WORDS[lang]
    admin = make_user("admin_dali", roles.ADMINISTRATOR, ["532901"])
    clerk = make_user("clerk_xiaguan", roles.CASEWORKER, ["532901001"])
    from huimin.core.administration.services import user_reset_password

    _user, temporary = user_reset_password(actor=admin, user_id=clerk.pk)
    log_in(page, live_server, "clerk_xiaguan", temporary)
    expect(page.get_by_role("heading", name=w["change_password"])).to_be_visible()
    page.locator("#id_current_password").fill(temporary)
    page.locator("#id_new_password").fill("short")
    page.locator("#id_new_password_again").fill("short")
    page.locator("button.primary").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    no_sideways_scroll(page)
    screenshot(page, f"own-password-error-{lang}-{size}")
    page.locator("#id_current_password").fill(temporary)
    page.locator("#id_new_password").fill("the erhai lake at dawn")
    page.locator("#id_new_password_again").fill("the erhai lake at dawn")
    page.locator("button.primary").click()
    expect(page.get_by_text(w["changed"])).to_be_visible()
    screenshot(page, f"own-password-changed-{lang}-{size}")


def test_a_standard_is_proposed_with_its_effect_and_approved_by_another(
    case, live_server, regions, browser
):
    page, lang, size = case
    w = WORDS[lang]
    make_user("admin_dali", roles.ADMINISTRATOR, ["532901"])
    make_user("approver_dali", roles.APPROVER, ["532901"])
    for n in range(3):
        make_household(f"H-4{n}", VILLAGE_A, wage_fen=20000 + 10000 * n)
    log_in(page, live_server, "admin_dali")
    page.get_by_role("link", name=w["standards"]).click()
    expect(page.get_by_role("heading", name=w["standards"], exact=True)).to_be_visible()
    no_sideways_scroll(page)
    screenshot(page, f"parameter-list-{lang}-{size}")
    page.goto(
        f"{live_server.url}/programs/parameters/change/?name=dibao.standard.rural&region=532901"
    )
    value = page.locator("#id_value")
    old = float(value.input_value())
    value.fill(f"{old + 150:.2f}")
    page.locator("#id_start").fill("2026-11-01")
    page.locator("#id_source").fill("大民发〔2026〕12号")
    page.locator("button[value=preview]").click()
    expect(page.get_by_role("heading", name=w["effect"])).to_be_visible()
    no_sideways_scroll(page)
    screenshot(page, f"parameter-effect-{lang}-{size}")
    page.get_by_role("button", name=w["propose"]).click()
    expect(page.get_by_text(w["waiting"])).to_be_visible()
    screenshot(page, f"parameter-proposed-{lang}-{size}")
    proposal = ParameterProposal.objects.get()
    # the second person, in their own browser
    other = browser.new_context(viewport={"width": WIDTHS[size], "height": 800})
    other.add_cookies(
        [
            {
                "name": "django_language",
                "value": "zh-hans" if lang == "zh" else "en",
                "url": live_server.url,
            }
        ]
    )
    second = other.new_page()
    log_in(second, live_server, "approver_dali")
    second.goto(f"{live_server.url}/programs/parameters/proposals/{proposal.pk}/")
    no_sideways_scroll(second)
    screenshot(second, f"parameter-to-approve-{lang}-{size}")
    second.get_by_role("button", name=w["approve"]).click()
    expect(second.locator(".status-approved").first).to_be_visible()
    screenshot(second, f"parameter-approved-{lang}-{size}")
    other.close()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
