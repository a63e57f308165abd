"""Ethnic groups are stored as GB/T 3304 codes and shown by name in the reader's language."""

import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import translation

from huimin.core.errors import ValidationFailed
from huimin.registry import services
from huimin.registry.bulk.export import _cell
from huimin.registry.ethnic_groups import CHINESE_NAMES, ENGLISH_NAMES, EthnicGroup
from huimin.registry.models import Person
from tests.registry.factories import household_facts, member, person_facts
from tests.registry.test_import_dry_run import (
    csv_file,
    errors_by_row,
    fresh_serials,  # noqa: F401 - autouse fixture
    head,
    in_english,  # noqa: F401 - autouse fixture
    person,
    run,
)

MIGRATION = importlib.import_module("huimin.registry.migrations.0005_ethnic_groups_gb3304")


def test_the_codes_follow_gb_t_3304():
    assert len(EthnicGroup.choices) == 58
    assert CHINESE_NAMES["01"] == "汉族"
    assert CHINESE_NAMES["04"] == "藏族"
    assert CHINESE_NAMES["14"] == "白族"
    assert CHINESE_NAMES["56"] == "基诺族"
    assert [code for code in CHINESE_NAMES][:56] == [f"{n:02d}" for n in range(1, 57)]


def test_each_group_is_named_in_the_readers_language():
    for code, label in EthnicGroup.choices:
        with translation.override("zh-hans"):
            assert str(label) == CHINESE_NAMES[code]
        with translation.override("en"):
            assert str(label) == ENGLISH_NAMES[code]


def _household_with_a_bai_spouse(caseworker):
    members = [person_facts("张三"), person_facts("李梅", "spouse", sex="F", ethnicity="14")]
    return services.household_create(actor=caseworker, facts=household_facts(), members=members)


def test_the_household_page_shows_the_name_in_chinese_and_in_english(caseworker_a):
    household = _household_with_a_bai_spouse(caseworker_a)
    url = reverse("registry:household", args=[household.pk])

    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    chinese.force_login(caseworker_a)
    page = chinese.get(url).content.decode()
    assert '<td data-label="民族">白族</td>' in page

    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.force_login(caseworker_a)
    assert '<td data-label="Ethnic group">Bai</td>' in english.get(url).content.decode()


@pytest.mark.parametrize("written", ["白族", "白", "Bai", "bai", "14"])
def test_the_import_accepts_the_code_and_the_names(caseworker_a, tmp_path, written):
    rows = [head(), person(ethnicity=written)]
    outcome = run(caseworker_a, csv_file(tmp_path, rows), mode="all")

    assert not outcome.errors
    assert Person.objects.get(name="王小明").ethnicity == "14"


def test_the_import_refuses_a_name_that_is_no_group(caseworker_a, tmp_path):
    outcome = run(caseworker_a, csv_file(tmp_path, [head(), person(ethnicity="火星族")]))

    assert "火星族" in errors_by_row(outcome)[3]["ethnicity"]


def test_the_export_writes_the_chinese_name():
    assert _cell("ethnicity", "14") == "白族"


def test_pages_and_api_store_the_code_and_refuse_an_unknown_group(caseworker_a):
    household = services.household_create(
        actor=caseworker_a,
        facts=household_facts(),
        members=[person_facts("张三", ethnicity="彝")],
    )
    assert member(household, "张三").ethnicity == "07"

    with pytest.raises(ValidationFailed) as refused:
        services.household_create(
            actor=caseworker_a,
            facts=household_facts(),
            members=[person_facts("王五", ethnicity="Martian")],
        )
    assert refused.value.field == "ethnicity"


def test_the_migration_maps_old_values_to_codes_and_back(caseworker_a):
    household = _household_with_a_bai_spouse(caseworker_a)
    old = {"张三": "Bai", "李梅": "白", "王五": "彝族", "赵六": "Zang", "钱七": "穿青人"}
    for name in ("王五", "赵六", "钱七"):
        services.person_add(
            actor=caseworker_a, household=household, facts=person_facts(name, "child")
        )
    for name, value in old.items():
        Person.objects.filter(name=name).update(ethnicity=value)

    MIGRATION.to_codes(apps, None)
    stored = dict(Person.objects.values_list("name", "ethnicity"))
    assert stored == {"张三": "14", "李梅": "14", "王五": "07", "赵六": "04", "钱七": "穿青人"}

    MIGRATION.to_names(apps, None)
    stored = dict(Person.objects.values_list("name", "ethnicity"))
    assert stored == {
        "张三": "白族",
        "李梅": "白族",
        "王五": "彝族",
        "赵六": "藏族",
        "钱七": "穿青人",
    }


def test_the_member_form_keeps_an_uncoded_old_value_in_view(client, caseworker_a):
    household = _household_with_a_bai_spouse(caseworker_a)
    spouse = member(household, "李梅")
    Person.objects.filter(pk=spouse.pk).update(ethnicity="穿青人")
    client.force_login(caseworker_a)

    page = client.get(reverse("registry:person-edit", args=[spouse.pk])).content.decode()

    assert '<option value="穿青人" selected>穿青人</option>' in page
    assert '<option value="14">Bai</option>' in page
