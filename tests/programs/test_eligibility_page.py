"""The eligibility page: a pre-assessment worded for a person, in the reader's language."""

import datetime as dt
import re
from pathlib import Path

from django.urls import reverse

from huimin.programs.services import parameter_override_create
from tests.conftest import VILLAGE_A
from tests.programs.test_evaluate_and_explain import PERIOD, make_household

CSS = Path(__file__).resolve().parents[2] / "huimin/core/static/huimin/huimin.css"


def _page(client, household, **query):
    url = reverse("programs:household-eligibility", args=[household.pk])
    response = client.get(url, {"period": PERIOD, **query})
    assert response.status_code == 200
    return response.content.decode()


def _english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})


def test_it_shows_the_amount_and_the_criteria_with_the_regulation_in_words(client, caseworker_a):
    household = make_household("H-21", VILLAGE_A, wage_fen=20000)
    client.force_login(caseworker_a)
    page = _page(client, household)
    assert "最低生活保障" in page and "家庭月人均收入低于当地低保标准" in page
    # the clause in words, its code only in the tooltip
    assert '<abbr title="SAIM §9">《社会救助暂行办法》第九条</abbr>' in page
    assert '<abbr title="CQ-DB §11">《重庆市城乡居民最低生活保障条例》第十一条</abbr>' in page
    assert not re.search(r">\s*(SAIM|CQ-DB|NDRR|GF-2015-52)\b", page)  # no bare code as text
    assert "(example)" not in page and "POLICY.md" not in page


def test_every_value_is_worded_in_chinese(client, caseworker_a):
    household = make_household("H-24", VILLAGE_A, wage_fen=20000)
    client.force_login(caseworker_a)
    page = _page(client, household)
    assert "100.00 元" in page  # 200 yuan shared by two members, in yuan
    assert "2 人" in page and "不超过 2 套" in page  # counts with their units
    assert "死亡 0 人，住房未倒塌损毁" in page  # the disaster facts, worded
    main = page.split("<main", 1)[1]
    for machine in ("deaths 0", "home destroyed", "false", ">family<", ">none<", "✓", "✗"):
        assert machine not in main, machine


def test_every_value_is_worded_in_english_too(client, caseworker_a):
    household = make_household("H-23", VILLAGE_A, wage_fen=20000)
    client.force_login(caseworker_a)
    _english(client)
    page = _page(client, household)
    assert "Pre-assessment from the registry" in page
    assert "Interim Measures for Social Assistance, art. 9" in page
    assert "100.00 yuan" in page and "2 persons" in page and "at most 2 homes" in page
    assert "0 deaths, home not destroyed" in page
    assert "死亡" not in page and "《社会救助暂行办法》" not in page


def test_a_failed_program_says_what_was_not_met(client, caseworker_a):
    household = make_household("H-25", VILLAGE_A, wage_fen=20000)
    client.force_login(caseworker_a)
    page = _page(client, household)
    # the verdict first, then the condition that was not met (it used to read "不符合条件: 家庭受灾")
    assert "不符合条件，未满足：家庭受灾" in page
    _english(client)
    assert "not eligible; not met: the household was hit by a disaster" in _page(client, household)


def test_it_is_a_pre_assessment_never_a_decision(client, caseworker_a):
    household = make_household("H-26", VILLAGE_A, wage_fen=20000)
    client.force_login(caseworker_a)
    page = _page(client, household)
    assert "根据登记信息预评估" in page and "不是审批决定" in page
    assert "如需申请" in page  # what applying takes
    for decision in (
        "决定予以批准",
        "决定不予批准",
        "审批决定书",
        "可以自收到本决定书之日起60日内",
    ):
        assert decision not in page, decision
    assert "H-26" not in page.split('<pre class="letter">', 1)[1]  # no ids in the text
    _english(client)
    page = _page(client, household)
    assert "It is not a decision and gives no right of appeal yet" in page
    assert "is approved" not in page and "is refused" not in page


def test_a_malformed_month_is_explained_in_the_readers_language(client, caseworker_a):
    household = make_household("H-22", VILLAGE_A, wage_fen=0)
    client.force_login(caseworker_a)
    page = _page(client, household, period="11/2026")
    assert "“11/2026”不是月份" in page and "YYYY-MM" in page
    assert "is not a month" not in page
    _english(client)
    assert "“11/2026” is not a month" in _page(client, household, period="11/2026")


def test_the_criteria_table_labels_its_cells_for_a_phone(client, caseworker_a):
    household = make_household("H-27", VILLAGE_A, wage_fen=20000)
    client.force_login(caseworker_a)
    page = _page(client, household)
    table = page.split('<table class="list criteria">', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r"<td[^>]*>", table)
    assert cells and all("data-label=" in cell for cell in cells)
    assert 'data-label="条件"' in table and 'data-label="依据条款"' in table
    assert "style=" not in page  # the CSP forbids inline styles
    css = CSS.read_text()
    phone = css.split("@media (max-width: 600px)", 1)[1]
    assert "table.list td[data-label]::before" in phone and "attr(data-label)" in phone


def test_an_amount_on_an_example_value_says_so_until_the_office_sets_its_own(
    client, caseworker_a, admin_user
):
    household = make_household("H-28", VILLAGE_A, wage_fen=20000)  # rural, in Dali city
    client.force_login(caseworker_a)
    page = _page(client, household)
    note = page.split('class="notice example-note"', 1)[1].split("</p>", 1)[0]
    assert "示例值" in note and "须设定" in note and "农村低保标准" in note
    letter = page.split('<pre class="letter">', 1)[1]
    assert "农村低保标准" in letter.split("</pre>", 1)[0]
    parameter_override_create(
        actor=admin_user,
        name="dibao.standard.rural",
        region="532901",
        start=dt.date(2026, 10, 1),
        value=61000,
        source="大理市民政局 2026 年第 9 号 (test)",
    )
    page = _page(client, household)
    note = page.split('class="notice example-note"', 1)[1].split("</p>", 1)[0]
    assert "农村低保标准" not in note  # the office's own value is not an example
