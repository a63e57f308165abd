"""An administrator's home page lists the example parameter values still in force in their
jurisdiction, with a link to set the local value."""

from django.urls import reverse
from django.utils import timezone

from huimin.programs.parameters import live_parameters
from huimin.programs.services import parameter_override_create
from huimin.rules.wording import value_words


def _panel(client) -> str:
    page = client.get(reverse("home")).content.decode()
    return (
        page.split('id="examples-h"', 1)[1].split("</section>", 1)[0]
        if "examples-h" in page
        else ""
    )


def test_it_lists_the_example_values_in_force_with_their_value_region_and_start(client, admin_user):
    today = timezone.localdate()
    in_force = live_parameters().resolve("dibao.standard.urban", "532901", today.strftime("%Y-%m"))
    assert in_force.source.startswith("example")
    client.force_login(admin_user)
    panel = _panel(client)
    assert "仍在使用的示例标准" in panel
    row = next(r for r in panel.split("<tr>") if "城市低保标准" in r and "532901<" in r)
    assert value_words(in_force.value, "fen/month", "zh") in row
    assert "大理市" in row and in_force.start.isoformat() in row
    assert "/programs/parameters/change/?name=dibao.standard.urban&amp;region=532901" in row


def test_a_value_the_office_set_leaves_the_list(client, admin_user):
    parameter_override_create(
        actor=admin_user,
        name="dibao.standard.urban",
        region="532901",
        start=timezone.localdate(),
        value=90000,
        source="大理市民政局 2026 年第 9 号 (test)",
    )
    client.force_login(admin_user)
    panel = _panel(client)
    rows = [r for r in panel.split("<tr>") if "城市低保标准" in r]
    assert rows and not any("532901<" in r for r in rows)  # other regions still on examples


def test_it_is_in_english_too(client, admin_user):
    client.force_login(admin_user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    panel = _panel(client)
    assert "Example standards still in force" in panel
    assert "Urban dibao standard per person per month" in panel and "Dali City" in panel


def test_only_an_administrator_sees_it(client, caseworker_a):
    client.force_login(caseworker_a)
    assert _panel(client) == ""


def test_each_example_links_to_the_prefilled_change_form(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("home")).content.decode()
    assert f"{reverse('programs:parameter-change')}?name=dibao.standard.rural" in page
    assert "/admin/programs/" not in page
