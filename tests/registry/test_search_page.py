"""The search page: households in compact rows, the township → village choice, the masked number."""

from huimin.core.pii import mask
from huimin.registry.models import Relation
from tests.conftest import VILLAGE_A, VILLAGE_B
from tests.registry.factories import make_household, member

TOWNSHIP_A = VILLAGE_A[:9]


def en(client):
    client.cookies["django_language"] = "en"


def test_it_lists_households_with_their_members_and_the_total(client, caseworker_a):
    make_household(caseworker_a, head="张三", others=(("李梅", Relation.SPOUSE),))
    make_household(caseworker_a, head="安一", others=())
    client.force_login(caseworker_a)
    en(client)
    body = client.get("/registry/", {"township": TOWNSHIP_A}).content.decode()
    body = body.split("</form>")[-1]  # the results (the form's help shows an example name)
    assert "2 households" in body
    assert (
        body.index("安一") < body.index("张三") < body.index("李梅")
    )  # pinyin order, members after
    assert "Test Community A" in body and "2 members" in body


def test_the_township_list_offers_only_townships_and_no_village_until_one_is_chosen(
    client, caseworker_a
):
    client.force_login(caseworker_a)
    en(client)
    body = client.get("/registry/").content.decode()
    assert "Xiaguan Subdistrict" in body and "Dali Town" in body
    assert "Test Community A" not in body  # no village before a township is chosen
    assert "Cangshanxi Town" not in body  # another county's township


def test_without_javascript_choosing_a_township_reloads_with_its_villages(client, caseworker_a):
    client.force_login(caseworker_a)
    en(client)
    body = client.get(
        "/registry/", {"township": TOWNSHIP_A, "choose": "township", "village": "532901101201"}
    ).content.decode()
    # the village of the former township is dropped, this township's villages are offered
    assert '<option value="532901001001">Test Community A</option>' in body
    assert "Test Village B" not in body


def test_the_villages_of_a_township_come_as_a_fragment_within_jurisdiction(client, caseworker_a):
    client.force_login(caseworker_a)
    en(client)
    fragment = client.get("/registry/villages/", {"township": TOWNSHIP_A}).content.decode()
    assert fragment.startswith('<div id="village-field">')
    assert "Test Community A" in fragment and "<html" not in fragment
    other = client.get("/registry/villages/", {"township": VILLAGE_B[:9]}).content.decode()
    assert "测试村丙" not in other and "Test Village C" not in other


def test_a_masked_number_with_a_name_finds_the_household(client, caseworker_a):
    family = make_household(caseworker_a, head="张三", others=(("李梅", Relation.SPOUSE),))
    client.force_login(caseworker_a)
    en(client)
    shown = mask(member(family, "李梅").id_number)
    body = client.get("/registry/", {"q": f"{shown} 李梅"}).content.decode()
    assert "1 household" in body and "<mark>李梅</mark>" in body


def test_a_masked_number_alone_is_refused_with_a_message(client, caseworker_a):
    client.force_login(caseworker_a)
    en(client)
    body = client.get("/registry/", {"q": "5329**********1234"}).content.decode()
    assert "alone match too many people" in body
    client.cookies["django_language"] = "zh-hans"
    assert "会查到太多人" in client.get("/registry/", {"q": "5329 1234"}).content.decode()


def test_filters_narrow_the_page(client, caseworker_a):
    make_household(caseworker_a, head="张城", others=(), residence_type="urban")
    make_household(caseworker_a, head="张乡", others=())
    client.force_login(caseworker_a)
    en(client)
    body = client.get("/registry/", {"q": "张", "residence_type": "urban"}).content.decode()
    assert "张城" in body and "张乡" not in body and "1 household" in body
