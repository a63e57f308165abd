"""Moving a person: the caseworker finds the destination by number, head's name or village, and
only households of their own jurisdiction are offered."""

from huimin.core.models import Region
from tests.conftest import VILLAGE_A, VILLAGE_B
from tests.registry.factories import make_household, member
from tests.registry.test_pages import en


def move_page(client, person, **params: str):
    return client.get(f"/registry/persons/{person.pk}/move/", params)


def test_the_destination_is_found_by_the_heads_name_within_the_jurisdiction(
    client, caseworker_a, caseworker_b
):
    moving = member(make_household(caseworker_a, head="张三"), "李梅")
    ours = make_household(caseworker_a, head="王大山", others=())
    theirs = make_household(caseworker_b, VILLAGE_B, head="王小川", others=())
    client.force_login(caseworker_a)
    en(client)
    body = move_page(client, moving, find="王").content.decode()
    assert ours.household_no in body and "王大山" in body
    assert theirs.household_no not in body and "王小川" not in body


def test_the_destination_is_found_by_number_and_the_own_household_is_not_offered(
    client, caseworker_a
):
    home = make_household(caseworker_a, head="张三")
    other = make_household(caseworker_a, head="王大山", others=())
    client.force_login(caseworker_a)
    en(client)
    body = move_page(client, member(home, "李梅"), find=other.household_no[:14]).content.decode()
    assert other.household_no in body
    assert f"?to={home.household_no}" not in body


def test_the_destination_is_found_by_village_name(client, caseworker_a):
    home = make_household(caseworker_a, head="张三")
    other = make_household(caseworker_a, head="王大山", others=())
    village = Region.objects.get(code=VILLAGE_A).name_zh
    client.force_login(caseworker_a)
    body = move_page(client, member(home, "李梅"), find=village).content.decode()
    assert f"?to={other.household_no}" in body


def test_with_htmx_only_the_list_comes_back_and_choosing_fills_the_number(client, caseworker_a):
    home = make_household(caseworker_a, head="张三")
    other = make_household(caseworker_a, head="王大山", others=())
    moving = member(home, "李梅")
    client.force_login(caseworker_a)
    en(client)
    partial = client.get(
        f"/registry/persons/{moving.pk}/move/", {"find": "王"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in partial and other.household_no in partial
    page = move_page(client, moving, to=other.household_no).content.decode()
    assert f'value="{other.household_no}"' in page
    nothing = move_page(client, moving, find="不存在").content.decode()
    assert "No household in your jurisdiction matches" in nothing
