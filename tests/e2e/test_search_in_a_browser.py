"""The search page in a browser: 25 households in compact rows on a phone and a laptop, in
Chinese and English, and the township → village choice loading only that township's villages."""

import pytest
from playwright.sync_api import expect

from huimin.registry.models import Relation
from tests.conftest import VILLAGE_A
from tests.e2e.conftest import screenshot
from tests.registry.factories import make_household

pytestmark = pytest.mark.django_db(transaction=True)

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
# Short enough for a phone: 25 results must stay a few screens, not the 9,000 px of a table.
PHONE_HEIGHT_LIMIT = 3500


@pytest.fixture
def caseload(caseworker_a):
    for index, surname in enumerate(SURNAMES[:26]):
        make_household(
            caseworker_a,
            head=f"{surname}建国",
            others=((f"{surname}小梅", Relation.SPOUSE), (f"{surname}小明", Relation.CHILD)),
            address=f"下关镇文化路{index}号",
        )


def sign_in(browser, live_server, *, width: int, locale: str):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale=locale)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill("caseworker_a")
    page.locator("#id_password").fill("correct horse battery staple")
    page.locator("#id_password").press("Enter")
    page.wait_for_load_state()
    return context, page


@pytest.mark.parametrize("width", [390, 1366])
@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_25_households_make_a_short_page(browser, live_server, caseload, width, locale):
    context, page = sign_in(browser, live_server, width=width, locale=locale)
    try:
        page.goto(f"{live_server.url}/registry/?township={VILLAGE_A[:9]}")
        rows = page.locator("ol.households > li")
        expect(rows).to_have_count(25)
        expect(page.locator("h2.results-count")).to_contain_text("26")
        height = page.evaluate("document.documentElement.scrollHeight")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
        screenshot(page, f"search-results-{locale[:2]}-{width}")
        assert not overflow, "the page scrolls sideways"
        if width == 390:
            assert height < PHONE_HEIGHT_LIMIT, height
        else:
            assert height < 2500, height
        first = rows.first.locator("a.head")
        expect(first).to_have_text("曹建国")  # cao2 comes first in pinyin order
    finally:
        context.close()


def test_choosing_a_township_loads_only_its_villages(browser, live_server, caseload):
    context, page = sign_in(browser, live_server, width=390, locale="zh-CN")
    try:
        page.goto(f"{live_server.url}/registry/")
        villages = page.locator("#id_village option")
        expect(villages).to_have_count(1)  # "the whole township" only, before a choice
        with page.expect_response(lambda r: "/registry/villages/" in r.url):
            page.locator("#id_township").select_option(VILLAGE_A[:9])
        expect(villages).to_have_count(2)
        expect(page.locator("#id_village")).to_contain_text("测试社区甲")
        page.locator("#id_village").select_option(VILLAGE_A)
        page.get_by_role("button", name="查找", exact=True).click()
        expect(page.locator("ol.households > li")).to_have_count(25)
        screenshot(page, "search-village-chosen-zh-390")
    finally:
        context.close()


def test_a_large_export_shows_its_progress_and_then_its_link(
    browser, live_server, caseload, settings, tmp_path
):
    settings.VAR_DIR = tmp_path / "var"
    settings.EXPORT_INLINE_MAX_ROWS = 10  # 26 households of 3: a job
    context, page = sign_in(browser, live_server, width=390, locale="zh-CN")
    try:
        page.goto(f"{live_server.url}/registry/?township={VILLAGE_A[:9]}")
        page.get_by_role("link", name="导出这些家庭").click()
        page.get_by_role("button", name="下载 CSV").click()
        link = page.get_by_role("link", name="下载 registry.csv")
        expect(link).to_be_visible()
        expect(page.get_by_text("共 78 人。")).to_be_visible()
        screenshot(page, "export-job-done-zh-390")
        with page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename == "registry.csv"
    finally:
        context.close()


def test_a_masked_number_alone_is_refused_and_the_filters_open(browser, live_server, caseload):
    context, page = sign_in(browser, live_server, width=1366, locale="en-US")
    try:
        page.goto(f"{live_server.url}/registry/")
        page.get_by_text("More filters").click()
        page.locator("#id_disability").select_option("severe")
        page.locator("#id_q").fill("5329**********1234")
        page.get_by_role("button", name="Search", exact=True).click()
        expect(page.get_by_text("alone match too many people")).to_be_visible()
        expect(page.locator("details.filters")).to_have_attribute("open", "")
        screenshot(page, "search-masked-refused-en-1366")
    finally:
        context.close()
