"""Search returns households with their members, in pinyin order of the head, counted, filtered."""

from datetime import date

import pytest
from django.apps import apps
from django.utils import timezone, translation

from huimin.core.errors import ValidationFailed
from huimin.core.pii import mask
from huimin.registry import queries, services
from huimin.registry.models import Person, Relation, ResidenceType
from huimin.registry.search_keys import id_ends_index, name_sort_key
from huimin.registry.validation import PersonFacts
from tests.conftest import VILLAGE_A, VILLAGE_B
from tests.registry.factories import make_household, member, person_facts

VILLAGE_A2 = "532901101201"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def heads(page) -> list[str]:
    return [r.head.name if r.head else "" for r in page.items]


def found(user, q="", village="", contains=False, **filters) -> list[str]:
    search = queries.search_parse(
        q, village=village, contains=contains, filters=queries.Filters(**filters)
    )
    return heads(queries.household_page(user, search, 1))


def test_it_sorts_households_by_the_heads_name_in_pinyin(caseworker_a):
    # Code-point order would be 安 < 张 < 曾 < 李 < 赵 < 陈; a reader expects a, c, l, z...
    for name in ["赵六", "李四", "张三", "陈二", "安一", "曾七"]:
        make_household(caseworker_a, head=name, others=())
    assert found(caseworker_a, village="532901") == ["安一", "陈二", "李四", "曾七", "张三", "赵六"]


def test_the_sort_key_puts_shorter_syllables_first_and_reads_surnames_as_names():
    assert name_sort_key("西安") < name_sort_key("先")  # xi1an1 before xian1
    assert name_sort_key("张") < name_sort_key("张三")
    assert name_sort_key("曾国藩").startswith("zeng1")  # not ceng2
    assert name_sort_key("单田芳").startswith("shan4")
    assert name_sort_key("") == ""


def test_results_are_households_with_their_members_and_a_total(caseworker_a, caseworker_b):
    zhang = make_household(caseworker_a, head="张三", others=(("李梅", Relation.SPOUSE),))
    make_household(caseworker_a, head="张四", others=())
    make_household(caseworker_b, VILLAGE_B, head="张远", others=())
    search = queries.search_parse("李")
    page = queries.household_page(caseworker_a, search, 1)
    assert page.total == 1
    (result,) = page.items
    assert result.household == zhang
    assert result.head.name == "张三"
    assert [m.name for m in result.members] == ["张三", "李梅"]
    assert result.matched == {member(zhang, "李梅").pk}  # the member the box found
    assert result.village_name == "Test Community A"


def test_the_total_counts_every_match_and_pages_are_clamped(caseworker_a):
    for n in range(5):
        make_household(caseworker_a, head=f"王{n}", others=())
    search = queries.search_parse("王")
    first = queries.household_page(caseworker_a, search, 1, size=2)
    assert first.total == 5 and first.pages == 3 and first.has_next and not first.has_previous
    last = queries.household_page(caseworker_a, search, 99, size=2)
    assert last.number == 3 and len(last.items) == 1 and not last.has_next


def test_a_household_whose_head_died_is_listed_last(caseworker_a):
    alone = make_household(caseworker_a, head="阿大", others=())
    make_household(caseworker_a, head="张三", others=())
    services.person_record_death(
        actor=caseworker_a, person=member(alone, "阿大"), death_date=date(2026, 1, 5)
    )
    page = queries.household_page(caseworker_a, queries.search_parse("", village="532901"), 1)
    assert heads(page) == ["张三", ""]
    assert page.items[1].members[0].name == "阿大"


def test_it_filters_by_village_and_household_type(caseworker_a):
    make_household(caseworker_a, head="张城", others=(), residence_type=ResidenceType.URBAN)
    make_household(caseworker_a, head="张乡", others=())
    make_household(caseworker_a, VILLAGE_A2, head="张镇", others=())
    assert found(caseworker_a, "张", village=VILLAGE_A) == ["张城", "张乡"]
    assert found(caseworker_a, "张", residence_type="urban") == ["张城"]
    assert found(caseworker_a, village="532901101") == ["张镇"]
    with pytest.raises(ValidationFailed):
        found(caseworker_a, "张", residence_type="suburban")


def test_it_filters_by_a_members_age_band(caseworker_a):
    today = timezone.localdate()
    child = date(today.year - 10, 1, 1)
    old = date(today.year - 85, 1, 1)
    make_household(caseworker_a, head="李甲", others=(("李小", Relation.CHILD),))
    family = make_household(caseworker_a, head="王乙", others=())
    Person.objects.filter(name="李小").update(birth_date=child)
    Person.objects.filter(household=family).update(birth_date=old)
    assert found(caseworker_a, village="532901", age_band="under_16") == ["李甲"]
    assert found(caseworker_a, village="532901", age_band="80_plus") == ["王乙"]
    assert found(caseworker_a, village="532901", age_band="60_79") == []
    assert found(caseworker_a, village="532901", age_band="16_59") == ["李甲"]


def test_it_filters_by_disability_any_or_severe(caseworker_a):
    make_household(caseworker_a, head="李轻", others=())
    make_household(caseworker_a, head="王重", others=())
    make_household(caseworker_a, head="赵无", others=())
    Person.objects.filter(name="李轻").update(disability_category=4, disability_grade=3)
    Person.objects.filter(name="王重").update(disability_category=5, disability_grade=1)
    assert found(caseworker_a, village="532901", disability="any") == ["李轻", "王重"]
    assert found(caseworker_a, village="532901", disability="severe") == ["王重"]


def test_filters_alone_search_the_whole_jurisdiction(caseworker_a, caseworker_b):
    make_household(caseworker_a, head="王重", others=())
    make_household(caseworker_b, VILLAGE_B, head="张远", others=())
    Person.objects.filter(name__in=["王重", "张远"]).update(
        disability_category=5, disability_grade=1
    )
    assert found(caseworker_a, disability="severe") == ["王重"]


def test_it_finds_a_person_from_the_masked_number_and_a_name(caseworker_a, caseworker_b):
    family = make_household(caseworker_a, head="张三", others=(("李梅", Relation.SPOUSE),))
    make_household(caseworker_a, head="张四", others=())
    number = member(family, "李梅").id_number
    masked = mask(number)  # 5329**********1234, as the page shows it
    first, last = number[:4], number[-4:]
    for typed in [f"{masked} 李梅", f"{first} {last} 李", f"李梅 {first} {last}", f"{masked} 李"]:
        assert found(caseworker_a, typed) == ["张三"], typed
    assert found(caseworker_a, f"{first} {last} 张") == []  # the ends are 李梅's, not 张三's
    page = queries.household_page(caseworker_a, queries.search_parse(f"{masked} 李梅"), 1)
    assert page.items[0].matched == {member(family, "李梅").pk}


def test_it_finds_a_person_from_the_masked_number_and_a_village(caseworker_a):
    family = make_household(caseworker_a, head="张三", others=())
    make_household(caseworker_a, VILLAGE_A2, head="王五", others=())
    number = member(family, "张三").id_number
    assert found(caseworker_a, mask(number), village=VILLAGE_A) == ["张三"]
    assert found(caseworker_a, mask(number), village=VILLAGE_A2) == []


@pytest.mark.parametrize("village", ["", "532901", "532901001"])
def test_a_masked_number_alone_is_refused(caseworker_a, village):
    with pytest.raises(ValidationFailed, match="alone match too many people") as refused:
        queries.search_parse("5329**********1234", village=village)
    assert refused.value.field == "q"


def test_a_masked_number_outside_the_jurisdiction_finds_nothing(caseworker_a, caseworker_b):
    far = make_household(caseworker_b, VILLAGE_B, head="张远", others=())
    assert found(caseworker_a, f"{mask(member(far, '张远').id_number)} 张远") == []


def test_no_clear_digit_of_the_number_is_stored_for_the_masked_search(caseworker_a):
    family = make_household(caseworker_a, head="张三", others=())
    person = member(family, "张三")
    row = Person.objects.filter(pk=person.pk).values("id_ends_index", "name_sort").get()
    assert row["id_ends_index"] == id_ends_index(person.id_number)
    assert person.id_number[:4] not in row["id_ends_index"]
    assert row["name_sort"] == "zhang1san1 张三"


def test_a_changed_name_or_number_changes_its_keys(caseworker_a):
    family = make_household(caseworker_a, head="张三", others=())
    person = member(family, "张三")
    facts = PersonFacts(**{name: getattr(person, name) for name in PersonFacts.PERSON_FIELDS})
    facts.name = "赵三"
    facts.id_number = person_facts("赵三", Relation.HEAD, person.birth_date).id_number
    services.person_update(actor=caseworker_a, person=person, facts=facts)
    person.refresh_from_db()
    assert person.name_sort == "zhao4san1 赵三"
    assert person.id_ends_index == id_ends_index(person.id_number)
    assert found(caseworker_a, f"{mask(person.id_number)} 赵") == ["赵三"]
    assert found(caseworker_a, person.id_number) == ["赵三"]  # the full blind index follows too


def test_the_migration_fills_the_keys_of_people_already_registered(caseworker_a):
    from importlib import import_module

    migration = import_module("huimin.registry.migrations.0007_search_sort_key_and_masked_number")
    make_household(caseworker_a, head="张三", others=(("李梅", Relation.SPOUSE),))
    Person.objects.update(name_sort="", id_ends_index="")
    migration.BATCH = 1  # several batches
    migration.fill_search_keys(apps, None)
    for person in Person.objects.all():
        assert person.name_sort == name_sort_key(person.name)
        assert person.id_ends_index == id_ends_index(person.id_number)


def test_a_page_of_households_takes_four_queries(caseworker_a, django_assert_num_queries):
    for n in range(30):
        make_household(caseworker_a, head=f"王{n}", others=(("李梅", Relation.SPOUSE),))
    search = queries.search_parse("", village="532901", filters=queries.Filters(disability=""))
    with django_assert_num_queries(4):
        page = queries.household_page(caseworker_a, search, 2)
    assert page.total == 30 and len(page.items) == 5
    assert all(len(r.members) == 2 for r in page.items)


def test_the_generator_and_the_import_fill_the_keys(regions, caseworker_a, tmp_path):
    """COPY (PostgreSQL) and bulk_create (SQLite) both write the keys the search sorts and finds
    by; so does an import's update of a known person's name."""
    import io

    from django.core.management import call_command

    from huimin.registry.bulk.services import registry_import_run
    from tests.registry.test_import_dry_run import csv_file, head

    call_command("generate", "--region", "532901", "--persons", "300", stdout=io.StringIO())
    rows = [head("HH-Z", name="曾小华")]
    registry_import_run(
        user=caseworker_a, path=csv_file(tmp_path, rows, "z.csv"), file_name="z.csv", mode="all"
    )
    people = list(Person.objects.all())
    assert len(people) == 301
    for person in people:
        assert person.name_sort == name_sort_key(person.name), person.name
        assert person.id_ends_index == id_ends_index(person.id_number)
    imported = Person.objects.get(name="曾小华")
    assert imported.name_sort.startswith("zeng1xiao3hua2")
    rows = [head("HH-Z", name="曾小华", id_number=imported.id_number)]
    rows[0]["name"] = "单小华"
    registry_import_run(
        user=caseworker_a, path=csv_file(tmp_path, rows, "z2.csv"), file_name="z2.csv", mode="all"
    )
    imported.refresh_from_db()
    assert imported.name == "单小华" and imported.name_sort.startswith("shan4")


def test_a_key_rotation_recomputes_the_masked_number_index(caseworker_a, settings):
    import base64

    from huimin.core import pii
    from huimin.core.key_rotation import rotate_all

    family = make_household(caseworker_a, head="张三", others=())
    number = member(family, "张三").id_number
    before = Person.objects.values_list("id_ends_index", flat=True).get(name="张三")
    settings.HUIMIN_DATA_KEYS_OLD = [settings.HUIMIN_DATA_KEY]
    settings.HUIMIN_DATA_KEY = base64.b64encode(b"a-brand-new-key-of-32-bytes-long").decode()
    pii.reset_key_cache()
    try:
        assert found(caseworker_a, f"{mask(number)} 张三") == ["张三"]  # old index, during it
        rotate_all(report=lambda _line: None)
        settings.HUIMIN_DATA_KEYS_OLD = []
        pii.reset_key_cache()
        after = Person.objects.values_list("id_ends_index", flat=True).get(name="张三")
        assert after != before and after == id_ends_index(number)
        assert found(caseworker_a, f"{mask(number)} 张三") == ["张三"]  # new key alone
    finally:
        pii.reset_key_cache()
