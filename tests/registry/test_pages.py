"""The registry pages: search, the household page, and the forms, in both languages."""

from datetime import date

from django.utils import timezone, translation

from huimin.registry import services
from huimin.registry.models import AssetKind, Household, IncomeType, Person, Relation
from tests.conftest import VILLAGE_A, VILLAGE_B
from tests.registry.factories import make_household, make_id, member


def zh(client):
    client.cookies["django_language"] = "zh-hans"


def en(client):
    client.cookies["django_language"] = "en"


def test_the_search_page_finds_households_with_a_fixed_number_of_queries(
    client, caseworker_a, django_assert_num_queries
):
    for n in range(3):
        make_household(caseworker_a, head=f"张{n}")
    client.force_login(caseworker_a)
    en(client)
    client.get("/registry/")  # warm the session and permission caches
    # session, user, permissions (2), jurisdiction, townships; count, page, members, villages
    with django_assert_num_queries(10):
        response = client.get("/registry/", {"q": "张"})
    body = response.content.decode()
    assert "张0" in body and "张2" in body
    # and the chosen township's villages
    with django_assert_num_queries(11):
        client.get("/registry/", {"q": "", "township": VILLAGE_A[:9], "village": VILLAGE_A})


def test_the_search_page_explains_what_to_do_before_and_after_a_search(client, caseworker_a):
    client.force_login(caseworker_a)
    en(client)
    assert "Type a name" in client.get("/registry/").content.decode()
    body = client.get("/registry/", {"q": "不存在的人"}).content.decode()
    assert "No household in your area matches" in body
    zh(client)
    body = client.get("/registry/", {"q": "不存在的人"}).content.decode()
    assert "您辖区内没有" in body


def test_the_household_page_shows_members_incomes_assets_and_history(
    client, caseworker_a, django_assert_num_queries
):
    household = make_household(
        caseworker_a, others=(("李梅", Relation.SPOUSE), ("张小明", "child"))
    )
    for name in ("张三", "李梅"):
        services.income_add(
            actor=caseworker_a,
            person=member(household, name),
            income_type=IncomeType.WAGES,
            monthly_fen=123456,
            valid_from=date(2025, 1, 1),
            verified=name == "张三",
        )
    services.asset_add(
        actor=caseworker_a,
        household=household,
        kind=AssetKind.VEHICLE,
        value_fen=5_000_000,
        valid_from=date(2024, 1, 1),
    )
    client.force_login(caseworker_a)
    en(client)
    client.get(f"/registry/households/{household.pk}/")
    with django_assert_num_queries(12):  # the 12th: the payment history
        response = client.get(f"/registry/households/{household.pk}/")
    body = response.content.decode()
    assert household.household_no in body
    assert "1,234.56" in body and "50,000.00" in body
    assert "verified" in body and "declared" in body
    assert "Income added" in body and "caseworker_a" in body
    for person in Person.objects.all():
        assert person.id_number not in body


def test_an_empty_household_page_says_what_will_appear(client, caseworker_a):
    household = make_household(caseworker_a, others=())
    client.force_login(caseworker_a)
    en(client)
    body = client.get(f"/registry/households/{household.pk}/").content.decode()
    assert "No income recorded" in body and "No assets recorded" in body
    zh(client)
    body = client.get(f"/registry/households/{household.pk}/").content.decode()
    assert "尚无收入记录" in body


def head_form(id_number: str, **extra: str) -> dict:
    return {
        "region_code": VILLAGE_A,
        "address": "大理镇一村5号",
        "residence_type": "rural",
        "bank_name": "",
        "bank_account": "",
        "phone": "",
        "head-name": "杨阿妹",
        "head-id_number": id_number,
        "head-sex": "",
        "head-birth_date": "",
        "head-special_care_category": "none",
        "head-father_status": "present",
        "head-mother_status": "present",
        "head-able_to_work": "yes",
        "head-counted_in_family": "on",
        "head-legal_supporter_able": "unknown",
        **extra,
    }


def test_registering_a_household_through_the_form(client, caseworker_a):
    client.force_login(caseworker_a)
    number = make_id(date(1975, 2, 3), "F")
    response = client.post("/registry/households/new/", head_form(number))
    household = Household.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{household.pk}/")
    head = household.members.get()
    assert (head.name, head.relation, head.sex, head.id_number) == ("杨阿妹", "head", "F", number)


def test_field_errors_appear_next_to_the_field_in_both_languages(client, caseworker_a):
    client.force_login(caseworker_a)
    number = make_id(date(1975, 2, 3), "F")
    wrong = number[:-1] + ("1" if number[-1] != "1" else "2")
    en(client)
    body = client.post("/registry/households/new/", head_form(wrong)).content.decode()
    assert 'class="field invalid"' in body
    assert "fails its check digit" in body
    zh(client)
    body = client.post("/registry/households/new/", head_form(wrong)).content.decode()
    assert "校验位" in body
    body = client.post("/registry/households/new/", head_form(number, **{"head-sex": "M"}))
    assert "性别" in body.content.decode()
    assert not Household.objects.exists()


def test_a_stale_edit_form_says_who_changed_the_household(client, caseworker_a, approver_a):
    household = make_household(caseworker_a)
    client.force_login(caseworker_a)
    en(client)
    data = {
        "region_code": VILLAGE_A,
        "address": "新地址",
        "residence_type": "rural",
        "bank_name": "",
        "bank_account": "",
        "phone": "",
        "version": household.version,
    }
    assert client.post(f"/registry/households/{household.pk}/edit/", data).status_code == 302
    data["address"] = "另一个地址"
    body = client.post(f"/registry/households/{household.pk}/edit/", data).content.decode()
    assert "was changed by caseworker_a" in body
    household.refresh_from_db()
    assert household.address == "新地址"
    assert household.bank_account == "6217000010001234569"  # empty field kept the number


def test_adding_a_member_income_and_asset_through_the_forms(client, caseworker_a):
    household = make_household(caseworker_a, others=())
    client.force_login(caseworker_a)
    response = client.post(
        f"/registry/households/{household.pk}/members/new/",
        {
            "name": "张小红",
            "id_number": make_id(date(2012, 9, 1), "F"),
            "relation": "child",
            "special_care_category": "none",
            "father_status": "present",
            "mother_status": "present",
            "counted_in_family": "on",
            "able_to_work": "unknown",
            "legal_supporter_able": "unknown",
            "student": "on",
            "disability_category": "5",
            "disability_grade": "2",
        },
    )
    assert response.status_code == 302
    child = member(household, "张小红")
    assert child.student and child.disability_grade == 2
    response = client.post(
        f"/registry/persons/{child.pk}/incomes/new/",
        {
            "income_type": "scholarship",
            "monthly_yuan": "1,200.5",
            "valid_from": "2025-01-01",
            "verified": "1",
            "exclusion_reason": "",
        },
    )
    assert response.status_code == 302
    income = child.incomes.get()
    assert (income.monthly_fen, income.verified, income.exclusion_reason) == (120050, True, "")
    body = client.post(
        f"/registry/persons/{child.pk}/incomes/new/",
        {
            "income_type": "wages",
            "monthly_yuan": "12.345",
            "valid_from": "2025-01-01",
            "verified": "0",
        },
    ).content.decode()
    assert 'class="field invalid"' in body
    response = client.post(
        f"/registry/households/{household.pk}/assets/new/",
        {
            "kind": "deposit",
            "value_yuan": "30000",
            "valid_from": "2025-01-01",
        },
    )
    assert response.status_code == 302 and household.assets.get().value_fen == 3_000_000
    response = client.post(f"/registry/incomes/{income.pk}/end/", {"valid_to": "2025-06-30"})
    assert response.status_code == 302
    response = client.post(
        f"/registry/assets/{household.assets.get().pk}/end/", {"valid_to": "2025-06-30"}
    )
    assert response.status_code == 302


def test_move_death_payee_and_head_through_the_forms(client, caseworker_a):
    old = make_household(caseworker_a, others=(("李梅", "spouse"), ("张小明", "child")))
    new = make_household(caseworker_a, head="李四", others=())
    client.force_login(caseworker_a)
    en(client)
    child = member(old, "张小明")
    body = client.post(
        f"/registry/persons/{child.pk}/move/",
        {
            "to_household_no": "nonexistent1",
            "relation": "child",
            "on_date": "2025-01-01",
        },
    ).content.decode()
    assert "There is no household nonexistent1" in body
    response = client.post(
        f"/registry/persons/{child.pk}/move/",
        {
            "to_household_no": new.household_no,
            "relation": "grandchild",
            "on_date": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    spouse = member(old, "李梅")
    response = client.post(
        f"/registry/households/{old.pk}/payee/", {"payee": spouse.pk, "version": old.version}
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.payee == spouse
    response = client.post(
        f"/registry/households/{old.pk}/head/",
        {"new_head": spouse.pk, "old_head_relation": "spouse"},
    )
    assert response.status_code == 302
    head = member(old, "李梅")
    assert head.relation == "head"
    response = client.post(
        f"/registry/persons/{member(old, '张三').pk}/death/",
        {"death_date": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302 and member(old, "张三").is_dead


def test_the_as_of_page_shows_the_household_as_it_was(client, caseworker_a):
    household = make_household(caseworker_a)
    client.force_login(caseworker_a)
    en(client)
    body = client.get(
        f"/registry/households/{household.pk}/as-of/", {"date": timezone.localdate().isoformat()}
    ).content.decode()
    assert "李梅" in body and "head of household" in body
    body = client.get(
        f"/registry/households/{household.pk}/as-of/", {"date": "2000-01-01"}
    ).content.decode()
    assert "no record of this household on that date" in body


def test_the_owner_does_see_their_own_records(client, caseworker_b):
    """The jurisdiction walk proves caseworker A gets 404; B must see the same records."""
    household = make_household(caseworker_b, VILLAGE_B, head="乙县户主")
    client.force_login(caseworker_b)
    assert "乙县户主" in client.get(f"/registry/households/{household.pk}/").content.decode()
    assert "乙县户主" in client.get("/registry/", {"q": "乙县"}).content.decode()


def test_the_navigation_offers_households_to_those_who_may_see_them(client, caseworker_a, nobody):
    client.force_login(caseworker_a)
    with translation.override("en"):
        en(client)
        assert 'href="/registry/"' in client.get("/").content.decode()
    client.force_login(nobody)
    assert 'href="/registry/"' not in client.get("/").content.decode()
    assert client.get("/registry/").status_code == 403
