"""Facts that can weigh against the applicant start not yet known, and an unknown never counts
against them: the form asks yes / no / not yet known with nothing chosen, the rules read unknown
as "no able supporter"."""

import datetime as dt
import re

from huimin.programs.frames import population_from_registry
from huimin.registry.forms import PersonForm
from huimin.registry.models import Household, Person
from huimin.rules import evaluate
from tests.registry.factories import make_household, member
from tests.registry.test_pages import en

MONTH_END = dt.date(2026, 11, 30)


def test_a_new_person_form_has_no_answer_chosen_and_requires_one(client, caseworker_a):
    household = make_household(caseworker_a, others=())
    client.force_login(caseworker_a)
    en(client)
    body = client.get(f"/registry/households/{household.pk}/members/new/").content.decode()
    assert "Not yet known" in body
    for name in ("able_to_work", "legal_supporter_able"):
        radios = re.findall(rf'<input type="radio" name="{name}"[^>]*>', body)
        assert len(radios) == 3 and not any("checked" in radio for radio in radios)
    form = PersonForm(data={"name": "甲"})
    assert not form.is_valid()
    assert "able_to_work" in form.errors and "legal_supporter_able" in form.errors


def test_the_three_answers_are_yes_no_and_unknown():
    answers = {}
    for typed in ("yes", "no", "unknown"):
        form = PersonForm(data={"able_to_work": typed, "legal_supporter_able": typed})
        form.is_valid()
        answers[typed] = (
            form.cleaned_data["able_to_work"],
            form.cleaned_data["legal_supporter_able"],
        )
    assert answers == {"yes": (True, True), "no": (False, False), "unknown": (None, None)}


def test_a_person_registered_without_the_answers_has_them_unknown(caseworker_a):
    household = make_household(caseworker_a, others=())
    head = member(household, "张三")
    assert (head.able_to_work, head.legal_supporter_able) == (None, None)
    assert PersonForm.initial_for(head)["legal_supporter_able"] == "unknown"


def _no_able_supporter(household: Household) -> bool:
    population = population_from_registry(
        Household.objects.filter(pk=household.pk), as_of=MONTH_END
    )
    tekun = evaluate(population, "2026-11", programs=["tekun"], details=True)["tekun"]
    return tekun["no_able_supporter"].to_list()[0]


def test_an_unknown_supporter_does_not_count_against_the_applicant(caseworker_a):
    household = make_household(caseworker_a, others=())
    head = member(household, "张三")
    population = population_from_registry(
        Household.objects.filter(pk=household.pk), as_of=MONTH_END
    )
    assert population.persons["legal_supporter_able"].to_list() == [None]  # unknown stays unknown
    assert _no_able_supporter(household) is True
    Person.objects.filter(pk=head.pk).update(legal_supporter_able=True)
    assert _no_able_supporter(household) is False
