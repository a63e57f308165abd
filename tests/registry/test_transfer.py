"""Moving a person closes one membership, opens another, and both households keep the history."""

import pytest
from django.utils import timezone, translation

from huimin.core.errors import ValidationFailed
from huimin.registry import queries, services
from huimin.registry.models import Membership, Relation
from tests.conftest import VILLAGE_B
from tests.registry.factories import make_household, member


@pytest.fixture(autouse=True)
def english():
    """Messages are matched in English here; test_pages checks the Chinese ones."""
    with translation.override("en"):
        yield


def test_a_transfer_keeps_the_history(caseworker_a):
    old = make_household(caseworker_a, others=(("张小明", Relation.CHILD),))
    new = make_household(caseworker_a, head="李四", others=())
    child = member(old, "张小明")
    services.person_transfer(
        actor=caseworker_a,
        person=child,
        to_household=new,
        relation=Relation.SPOUSE,
        on_date=timezone.localdate(),
    )
    child.refresh_from_db()
    assert child.household == new and child.relation == Relation.SPOUSE
    periods = list(Membership.objects.filter(person=child).order_by("valid_from", "pk"))
    assert [(p.household_id, p.valid_to is None) for p in periods] == [
        (old.pk, False),
        (new.pk, True),
    ]
    assert periods[0].valid_to <= periods[1].valid_from
    old_after = queries.household_as_of(old, timezone.localdate()).data
    assert [m["name"] for m in old_after["members"]] == ["张三"]
    old_before = old.snapshots.filter(reason="household_create").get().data
    assert {m["name"] for m in old_before["members"]} == {"张三", "张小明"}
    assert "张小明" in {
        m["name"] for m in queries.household_as_of(new, timezone.localdate()).data["members"]
    }


def test_a_transfer_to_another_jurisdiction_is_refused(caseworker_a, caseworker_b):
    mine = make_household(caseworker_a)
    theirs = make_household(caseworker_b, VILLAGE_B, head="远方的人", others=())
    with pytest.raises(ValidationFailed) as refused:
        services.person_transfer(
            actor=caseworker_a,
            person=member(mine, "李梅"),
            to_household=theirs,
            relation=Relation.SPOUSE,
            on_date=timezone.localdate(),
        )
    assert refused.value.field == "to_household"
    assert member(mine, "李梅").household == mine


def test_a_moving_head_names_who_heads_the_old_household(caseworker_a):
    old = make_household(caseworker_a)
    new = make_household(caseworker_a, head="李四", others=())
    head = member(old, "张三")
    with pytest.raises(ValidationFailed) as refused:
        services.person_transfer(
            actor=caseworker_a,
            person=head,
            to_household=new,
            relation=Relation.SIBLING,
            on_date=timezone.localdate(),
        )
    assert refused.value.field == "new_head"
    services.person_transfer(
        actor=caseworker_a,
        person=head,
        to_household=new,
        relation=Relation.SIBLING,
        on_date=timezone.localdate(),
        new_head=member(old, "李梅"),
    )
    assert member(old, "李梅").relation == Relation.HEAD
    old.refresh_from_db()
    assert old.payee is None  # the head was the payee; someone must now choose a new one


def test_a_person_cannot_become_a_second_head_by_moving(caseworker_a):
    old = make_household(caseworker_a)
    new = make_household(caseworker_a, head="李四", others=())
    with pytest.raises(ValidationFailed, match="only one head"):
        services.person_transfer(
            actor=caseworker_a,
            person=member(old, "李梅"),
            to_household=new,
            relation=Relation.HEAD,
            on_date=timezone.localdate(),
        )
    assert member(old, "李梅").household == old
