"""Writes to the members of a household: add, change, move to another household, death."""

from datetime import date, timedelta

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.core import access
from huimin.core.audit import field_changes
from huimin.core.errors import Conflict, Problems, ValidationFailed
from huimin.core.models import User
from huimin.registry.models import Household, Membership, Person, Relation
from huimin.registry.services._common import (
    PERSONAL_FIELDS,
    audit_person,
    lock_household,
    tell_casework,
)
from huimin.registry.services._rules import (
    check_heads_after,
    check_heads_in_db,
    check_identity_unique,
    head_successor,
    set_relation,
)
from huimin.registry.services.snapshots import snapshot_take
from huimin.registry.validation import PersonFacts, check_person

TOWNSHIP_DIGITS = 9  # a move to another township leaves the area


@transaction.atomic
def person_add(
    *,
    actor: User,
    household: Household,
    facts: PersonFacts,
    on_date: date | None = None,
    request: HttpRequest | None = None,
) -> Person:
    household = lock_household(household)
    problems = Problems()  # every problem at once, each at its field
    with problems.check():
        check_person(facts, today=timezone.localdate())
    if not _id_refused(problems):
        with problems.check():
            check_identity_unique(actor, facts.id_number, label=facts.name)
    with problems.check():
        check_heads_after(household, person=facts, relation=facts.relation)
    problems.raise_any()
    person = Person.objects.create(household=household, **facts.values())
    Membership.objects.create(
        person=person,
        household=household,
        relation=facts.relation,
        valid_from=on_date or timezone.localdate(),
    )
    check_heads_in_db(household)
    changes = field_changes({}, facts.values(), personal=PERSONAL_FIELDS)
    audit_person(actor, "person.add", person, household, changes, request)
    snapshot_take(household, actor, "person_add", changes, note=person.name)
    return person


def _derived(changed: list[str]) -> list[str]:
    """The columns computed from changed ones: `save(update_fields=...)` runs only their pre_save."""
    derived = []
    if "name" in changed:
        derived.append("name_sort")
    if "id_number" in changed:
        derived += ["id_number_index", "id_ends_index"]
    return derived


def _id_refused(problems: Problems) -> bool:
    return any(field == "id_number" for found in problems.found for field, _m in found.errors)


@transaction.atomic
def person_update(
    *,
    actor: User,
    person: Person,
    facts: PersonFacts,
    request: HttpRequest | None = None,
) -> Person:
    household = lock_household(person.household)
    person = Person.objects.select_for_update().get(pk=person.pk)
    problems = Problems()
    with problems.check():
        check_person(facts, today=timezone.localdate())
    if not _id_refused(problems):
        with problems.check():
            check_identity_unique(actor, facts.id_number, label=facts.name, exclude_pk=person.pk)
    problems.raise_any()
    before, after = {n: getattr(person, n) for n in PersonFacts.PERSON_FIELDS}, facts.values()
    changed = [name for name in PersonFacts.PERSON_FIELDS if before[name] != after[name]]
    if not changed:
        return person
    if "relation" in changed and not person.is_dead:
        check_heads_after(household, person=facts, relation=facts.relation, pk=person.pk)
    for name in changed:
        setattr(person, name, after[name])
    person.save(update_fields=[*changed, *_derived(changed), "updated_at"])
    if "relation" in changed:
        Membership.objects.filter(person=person, valid_to__isnull=True).update(
            relation=person.relation
        )
        check_heads_in_db(household)
    changes = field_changes(before, after, personal=PERSONAL_FIELDS)
    audit_person(actor, "person.update", person, household, changes, request)
    snapshot_take(household, actor, "person_update", changes, note=person.name)
    return person


@transaction.atomic
def person_transfer(
    *,
    actor: User,
    person: Person,
    to_household: Household,
    relation: str,
    on_date: date,
    new_head: Person | None = None,
    request: HttpRequest | None = None,
) -> Person:
    """Move a person to another household: the old membership closes, a new one opens.

    If the person was the head of a household that keeps living members, `new_head` names who
    heads it from now on. If the person was its payee, the old household has no payee until one
    is chosen.
    """
    _check_destination(actor, person, to_household)
    source, target = _lock_pair(person.household_id, to_household.pk)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.is_dead:
        message = _("%(name)s died on %(date)s and cannot move to another household")
        raise ValidationFailed(message % {"name": person.name, "date": person.death_date})
    if relation not in Relation.values:
        raise ValidationFailed(_("choose the relation to the new head"), field="relation")
    membership = Membership.objects.select_for_update().get(person=person, valid_to__isnull=True)
    _check_move_date(person, source, membership, on_date)
    successor = (
        head_successor(source, person, new_head) if person.relation == Relation.HEAD else None
    )
    check_heads_after(target, person=person, relation=relation)
    membership.valid_to = max(on_date - timedelta(days=1), membership.valid_from)
    membership.save(update_fields=["valid_to"])
    if successor is not None:
        set_relation(successor, Relation.HEAD)
    Membership.objects.create(
        person=person, household=target, relation=relation, valid_from=on_date
    )
    old_relation = person.relation
    person.household, person.relation = target, relation
    person.save(update_fields=["household", "relation", "updated_at"])
    _stop_being_payee(source, person)
    check_heads_in_db(source)
    check_heads_in_db(target)
    changes = {
        "household": [source.household_no, target.household_no],
        "relation": [old_relation, relation],
        "on_date": [None, str(on_date)],
    }
    audit_person(actor, "person.transfer", person, target, changes, request)
    snapshot_take(source, actor, "person_transfer_out", changes, note=person.name)
    snapshot_take(target, actor, "person_transfer_in", changes, note=person.name)
    if source.region_code[:TOWNSHIP_DIGITS] != target.region_code[:TOWNSHIP_DIGITS]:
        tell_casework(
            actor=actor,
            kind="move_out",
            household=source,
            person=person,
            on=on_date,
            request=request,
        )
    return person


def _check_destination(actor: User, person: Person, to_household: Household) -> None:
    if not access.covers(actor, to_household.region_code):
        # Said the same way as a household that does not exist: nothing leaks.
        message = _("there is no household %(no)s in your jurisdiction")
        raise ValidationFailed(message % {"no": to_household.household_no}, field="to_household")
    if person.household_id == to_household.pk:
        message = _("%(name)s is already in household %(no)s")
        raise ValidationFailed(
            message % {"name": person.name, "no": to_household.household_no},
            field="to_household",
        )


def _lock_pair(source_pk: int, target_pk: int) -> tuple[Household, Household]:
    """Both households, locked in id order (see the package's note on deadlocks)."""
    first, second = sorted([source_pk, target_pk])
    locked = {h.pk: h for h in Household.objects.select_for_update().filter(pk__in=[first, second])}
    return locked[source_pk], locked[target_pk]


def _check_move_date(
    person: Person, source: Household, membership: Membership, on_date: date
) -> None:
    if on_date >= membership.valid_from:
        return
    message = _("the move date %(date)s is before %(name)s joined household %(no)s (%(since)s)")
    raise ValidationFailed(
        message
        % {
            "date": on_date,
            "name": person.name,
            "no": source.household_no,
            "since": membership.valid_from,
        },
        field="on_date",
    )


def _stop_being_payee(household: Household, person: Person) -> None:
    """A person who leaves or dies no longer receives the household's payments."""
    if household.payee_id != person.pk:
        return
    household.payee = None
    household.version += 1
    household.save(update_fields=["payee", "version", "updated_at"])


@transaction.atomic
def person_record_death(
    *,
    actor: User,
    person: Person,
    death_date: date,
    new_head: Person | None = None,
    request: HttpRequest | None = None,
) -> Person:
    """Record a death. A dead person stops being payee; a dead head hands over to `new_head`."""
    household = lock_household(person.household)
    person = Person.objects.select_for_update().get(pk=person.pk)
    _check_death(person, death_date)
    successor = (
        head_successor(household, person, new_head) if person.relation == Relation.HEAD else None
    )
    person.death_date = death_date
    person.save(update_fields=["death_date", "updated_at"])
    # A death found out after registration still closes the membership no earlier than it began.
    membership = Membership.objects.select_for_update().get(person=person, valid_to__isnull=True)
    membership.valid_to = max(death_date, membership.valid_from)
    membership.save(update_fields=["valid_to"])
    if successor is not None:
        set_relation(successor, Relation.HEAD)
    _stop_being_payee(household, person)
    check_heads_in_db(household)
    changes = {"death_date": [None, str(death_date)]}
    audit_person(actor, "person.record_death", person, household, changes, request)
    snapshot_take(household, actor, "person_record_death", changes, note=person.name)
    tell_casework(
        actor=actor,
        kind="death",
        household=household,
        person=person,
        on=death_date,
        request=request,
    )
    return person


def _check_death(person: Person, death_date: date) -> None:
    if person.is_dead:
        message = _("the death of %(name)s is already recorded (%(date)s)")
        raise Conflict(message % {"name": person.name, "date": person.death_date})
    if death_date > timezone.localdate():
        raise ValidationFailed(_("the date of death is in the future"), field="death_date")
    if death_date < person.birth_date:
        raise ValidationFailed(
            _("the date of death is before the date of birth"), field="death_date"
        )


def person_assert_alive_for_application(person: Person) -> None:
    """Casework calls this before adding a person to a new application."""
    if person.is_dead:
        message = _("%(name)s died on %(date)s and cannot be part of a new application")
        raise ValidationFailed(message % {"name": person.name, "date": person.death_date})
