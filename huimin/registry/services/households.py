"""Writes to a household's own facts: registration, its details, its payee and its head."""

from dataclasses import asdict
from datetime import date
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.core.audit import field_changes
from huimin.core.errors import Conflict, Problems, ValidationFailed
from huimin.core.models import User
from huimin.registry.models import Household, Membership, Person, Relation
from huimin.registry.services._common import (
    PERSONAL_FIELDS,
    audit,
    audit_person,
    check_version,
    lock_household,
)
from huimin.registry.services._rules import (
    check_heads_in_db,
    check_identity_unique,
    check_no_repeated_ids,
    next_household_no,
    set_relation,
    village_for,
)
from huimin.registry.services.snapshots import snapshot_take
from huimin.registry.validation import (
    HouseholdFacts,
    PersonFacts,
    check_heads,
    check_household,
    check_person,
)

HOUSEHOLD_FIELDS = (
    "region_code",
    "address",
    "residence_type",
    "bank_name",
    "bank_account",
    "phone",
)


@transaction.atomic
def household_create(
    *,
    actor: User,
    facts: HouseholdFacts,
    members: list[PersonFacts],
    household_no: str = "",
    on_date: date | None = None,
    request: HttpRequest | None = None,
) -> Household:
    """A new household with its first members; the head becomes the payee."""
    on_date = on_date or timezone.localdate()
    problems = Problems()  # every problem of the household and its members, in one refusal
    with problems.check():
        check_household(facts)
    if not problems:
        with problems.check():
            village_for(actor, facts.region_code)
    if not members:
        problems.found.append(
            ValidationFailed(_("a household needs at least its head"), field="relation")
        )
    cleaned = []
    for member in members:
        with problems.check():
            cleaned.append(check_person(member, today=timezone.localdate()))
    with problems.check():
        check_no_repeated_ids(cleaned)
    for member in cleaned:
        with problems.check():
            check_identity_unique(actor, member.id_number, label=member.name)
    problems.raise_any()
    region = village_for(actor, facts.region_code)
    household_no = household_no.strip() or next_household_no(region)
    _check_number_free(household_no)
    check_heads([(m.name, m.relation, True) for m in cleaned], household_label=household_no)
    household = Household.objects.create(household_no=household_no, **asdict(facts))
    people = _create_members(household, cleaned, on_date)
    household.payee = next(p for p in people if p.relation == Relation.HEAD)
    household.save(update_fields=["payee"])
    changes = field_changes({}, asdict(facts), personal=PERSONAL_FIELDS)
    changes["members"] = [0, len(people)]
    audit(actor, "household.create", household, changes, request)
    for person in people:
        audit_person(actor, "person.add", person, person.household, {}, request)
    snapshot_take(household, actor, "household_create", changes)
    return household


def _check_number_free(household_no: str) -> None:
    if Household.objects.filter(household_no=household_no).exists():
        message = _("the household number %(no)s is already taken")
        raise Conflict(message % {"no": household_no}, field="household_no")


def _create_members(
    household: Household, members: list[PersonFacts], on_date: date
) -> list[Person]:
    people = []
    for member in members:
        person = Person.objects.create(household=household, **member.values())
        Membership.objects.create(
            person=person, household=household, relation=member.relation, valid_from=on_date
        )
        people.append(person)
    return people


@transaction.atomic
def household_update(
    *,
    actor: User,
    household: Household,
    facts: HouseholdFacts,
    expected_version: int,
    request: HttpRequest | None = None,
) -> Household:
    """Change the household's own facts. A form opened before someone else's change is refused."""
    household = lock_household(household)
    check_version(household, expected_version)
    problems = Problems()
    with problems.check():
        check_household(facts)
    if not problems and facts.region_code != household.region_code:
        with problems.check():
            village_for(actor, facts.region_code)
    problems.raise_any()
    before = {name: getattr(household, name) for name in HOUSEHOLD_FIELDS}
    after = asdict(facts)
    changed = [name for name in HOUSEHOLD_FIELDS if before[name] != after[name]]
    if not changed:
        return household
    for name in changed:
        setattr(household, name, after[name])
    household.version += 1
    household.save(update_fields=[*changed, "version", "updated_at"])
    changes = field_changes(before, after, personal=PERSONAL_FIELDS)
    audit(actor, "household.update", household, changes, request)
    snapshot_take(household, actor, "household_update", changes)
    return household


@transaction.atomic
def household_set_payee(
    *,
    actor: User,
    household: Household,
    payee: Person,
    expected_version: int | None = None,
    request: HttpRequest | None = None,
) -> Household:
    """Who receives the household's payments: a living member, not necessarily the head."""
    household = lock_household(household)
    if expected_version is not None:
        check_version(household, expected_version)
    payee = Person.objects.select_for_update().get(pk=payee.pk)
    if payee.household_id != household.pk:
        message = _("%(name)s is not a member of household %(no)s")
        raise ValidationFailed(
            message % {"name": payee.name, "no": household.household_no}, field="payee"
        )
    if payee.is_dead:
        message = _("%(name)s died on %(date)s and cannot be the payee")
        raise ValidationFailed(
            message % {"name": payee.name, "date": payee.death_date}, field="payee"
        )
    if household.payee_id == payee.pk:
        return household
    changes = {"payee": [household.payee_id, payee.pk]}
    household.payee = payee
    household.version += 1
    household.save(update_fields=["payee", "version", "updated_at"])
    audit(actor, "household.set_payee", household, changes, request)
    snapshot_take(household, actor, "household_set_payee", changes, note=payee.name)
    return household


@transaction.atomic
def household_set_head(
    *,
    actor: User,
    household: Household,
    new_head: Person,
    old_head_relation: str,
    request: HttpRequest | None = None,
) -> Household:
    """Make another living member the head; the old head takes the relation given."""
    household = lock_household(household)
    members = list(Person.objects.select_for_update().filter(household=household).order_by("pk"))
    new = next((m for m in members if m.pk == new_head.pk), None)
    if new is None or new.is_dead:
        message = _("the new head must be a living member of household %(no)s")
        raise ValidationFailed(message % {"no": household.household_no}, field="new_head")
    if old_head_relation not in Relation.values or old_head_relation == Relation.HEAD:
        raise ValidationFailed(
            _("choose the former head's new relation to the head"), field="old_head_relation"
        )
    changes: dict[str, Any] = {}
    for member in members:
        if member.relation == Relation.HEAD and not member.is_dead and member.pk != new.pk:
            set_relation(member, old_head_relation)
            changes[f"person {member.pk} relation"] = [Relation.HEAD, old_head_relation]
    changes[f"person {new.pk} relation"] = [new.relation, Relation.HEAD]
    set_relation(new, Relation.HEAD)
    check_heads_in_db(household)
    audit(actor, "household.set_head", household, changes, request)
    snapshot_take(household, actor, "household_set_head", changes, note=new.name)
    return household
