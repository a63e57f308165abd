"""Every write to the registry: one function per change, each in one transaction.

Each function locks what it changes (`select_for_update`), checks the rules of consistency, saves
with `update_fields`, writes its audit event (personal data redacted) and then a snapshot of the
whole household with personal data masked, so the household can later be read as it was.

Locks are always taken household first, then persons, and two households in id order, so that two
caseworkers moving people between the same households queue instead of deadlocking.
"""

from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.core import access
from huimin.core.audit import audit_record, field_changes
from huimin.core.errors import Conflict, ValidationFailed
from huimin.core.models import Region, RegionLevel, User
from huimin.core.pii import blind_index_candidates, mask, mask_bank_account, mask_phone
from huimin.registry.models import (
    Asset,
    AssetKind,
    Household,
    HouseholdSnapshot,
    IncomeRecord,
    IncomeType,
    Membership,
    Person,
    Relation,
)
from huimin.registry.validation import (
    HouseholdFacts,
    PersonFacts,
    check_amount,
    check_heads,
    check_household,
    check_period,
    check_person,
    counts_as_income_by_default,
)

PERSONAL_FIELDS = ("id_number", "bank_account", "phone")
HOUSEHOLD_FIELDS = (
    "region_code",
    "address",
    "residence_type",
    "bank_name",
    "bank_account",
    "phone",
)
SEQUENCE_DIGITS = 5  # household number = village code + 5 digits: 17 characters, never an ID's 18


# ---------------------------------------------------------------- households


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
    facts = check_household(facts)
    region = _village_for(actor, facts.region_code)
    if not members:
        raise ValidationFailed(_("a household needs at least its head"), field="relation")
    cleaned = [check_person(m, today=timezone.localdate()) for m in members]
    _check_no_repeated_ids(cleaned)
    for member in cleaned:
        _check_identity_unique(actor, member.id_number, label=member.name)
    household_no = household_no.strip() or _next_household_no(region)
    if Household.objects.filter(household_no=household_no).exists():
        message = _("the household number %(no)s is already taken")
        raise Conflict(message % {"no": household_no}, field="household_no")
    check_heads([(m.name, m.relation, True) for m in cleaned], household_label=household_no)
    household = Household.objects.create(household_no=household_no, **asdict(facts))
    people = []
    for member in cleaned:
        person = Person.objects.create(household=household, **member.values())
        Membership.objects.create(
            person=person, household=household, relation=member.relation, valid_from=on_date
        )
        people.append(person)
    household.payee = next(p for p in people if p.relation == Relation.HEAD)
    household.save(update_fields=["payee"])
    changes = field_changes({}, asdict(facts), personal=PERSONAL_FIELDS)
    changes["members"] = [0, len(people)]
    _audit(actor, "household.create", household, changes, request)
    for person in people:
        _audit_person(actor, "person.add", person, person.household, {}, request)
    _snapshot(household, actor, "household_create", changes)
    return household


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
    household = _lock_household(household)
    _check_version(household, expected_version)
    facts = check_household(facts)
    if facts.region_code != household.region_code:
        _village_for(actor, facts.region_code)
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
    _audit(actor, "household.update", household, changes, request)
    _snapshot(household, actor, "household_update", changes)
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
    household = _lock_household(household)
    if expected_version is not None:
        _check_version(household, expected_version)
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
    _audit(actor, "household.set_payee", household, changes, request)
    _snapshot(household, actor, "household_set_payee", changes, note=payee.name)
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
    household = _lock_household(household)
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
            _set_relation(member, old_head_relation)
            changes[f"person {member.pk} relation"] = [Relation.HEAD, old_head_relation]
    changes[f"person {new.pk} relation"] = [new.relation, Relation.HEAD]
    _set_relation(new, Relation.HEAD)
    _check_heads_in_db(household)
    _audit(actor, "household.set_head", household, changes, request)
    _snapshot(household, actor, "household_set_head", changes, note=new.name)
    return household


# ---------------------------------------------------------------- persons


@transaction.atomic
def person_add(
    *,
    actor: User,
    household: Household,
    facts: PersonFacts,
    on_date: date | None = None,
    request: HttpRequest | None = None,
) -> Person:
    household = _lock_household(household)
    facts = check_person(facts, today=timezone.localdate())
    _check_identity_unique(actor, facts.id_number, label=facts.name)
    person = Person.objects.create(household=household, **facts.values())
    Membership.objects.create(
        person=person,
        household=household,
        relation=facts.relation,
        valid_from=on_date or timezone.localdate(),
    )
    _check_heads_in_db(household)
    changes = field_changes({}, facts.values(), personal=PERSONAL_FIELDS)
    _audit_person(actor, "person.add", person, household, changes, request)
    _snapshot(household, actor, "person_add", changes, note=person.name)
    return person


@transaction.atomic
def person_update(
    *,
    actor: User,
    person: Person,
    facts: PersonFacts,
    request: HttpRequest | None = None,
) -> Person:
    household = _lock_household(person.household)
    person = Person.objects.select_for_update().get(pk=person.pk)
    facts = check_person(facts, today=timezone.localdate())
    _check_identity_unique(actor, facts.id_number, label=facts.name, exclude_pk=person.pk)
    before, after = {n: getattr(person, n) for n in PersonFacts.PERSON_FIELDS}, facts.values()
    changed = [name for name in PersonFacts.PERSON_FIELDS if before[name] != after[name]]
    if not changed:
        return person
    for name in changed:
        setattr(person, name, after[name])
    person.save(update_fields=[*changed, "updated_at"])
    if "relation" in changed:
        Membership.objects.filter(person=person, valid_to__isnull=True).update(
            relation=person.relation
        )
        _check_heads_in_db(household)
    changes = field_changes(before, after, personal=PERSONAL_FIELDS)
    _audit_person(actor, "person.update", person, household, changes, request)
    _snapshot(household, actor, "person_update", changes, note=person.name)
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
    if not access.covers(actor, to_household.region_code):
        # Said the same way as a household that does not exist: nothing leaks.
        message = _("there is no household %(no)s in your jurisdiction")
        raise ValidationFailed(message % {"no": to_household.household_no}, field="to_household")
    source_pk = person.household_id
    if source_pk == to_household.pk:
        message = _("%(name)s is already in household %(no)s")
        raise ValidationFailed(
            message % {"name": person.name, "no": to_household.household_no},
            field="to_household",
        )
    first, second = sorted([source_pk, to_household.pk])
    locked = {h.pk: h for h in Household.objects.select_for_update().filter(pk__in=[first, second])}
    source, target = locked[source_pk], locked[to_household.pk]
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.is_dead:
        message = _("%(name)s died on %(date)s and cannot move to another household")
        raise ValidationFailed(message % {"name": person.name, "date": person.death_date})
    if relation not in Relation.values:
        raise ValidationFailed(_("choose the relation to the new head"), field="relation")
    membership = Membership.objects.select_for_update().get(person=person, valid_to__isnull=True)
    if on_date < membership.valid_from:
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
    if person.relation == Relation.HEAD:
        _hand_over_head(source, person, new_head)
    membership.valid_to = max(on_date - timedelta(days=1), membership.valid_from)
    membership.save(update_fields=["valid_to"])
    Membership.objects.create(
        person=person, household=target, relation=relation, valid_from=on_date
    )
    old_relation = person.relation
    person.household, person.relation = target, relation
    person.save(update_fields=["household", "relation", "updated_at"])
    if source.payee_id == person.pk:
        source.payee = None
        source.version += 1
        source.save(update_fields=["payee", "version", "updated_at"])
    _check_heads_in_db(source)
    _check_heads_in_db(target)
    changes = {
        "household": [source.household_no, target.household_no],
        "relation": [old_relation, relation],
        "on_date": [None, str(on_date)],
    }
    _audit_person(actor, "person.transfer", person, target, changes, request)
    _snapshot(source, actor, "person_transfer_out", changes, note=person.name)
    _snapshot(target, actor, "person_transfer_in", changes, note=person.name)
    return person


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
    household = _lock_household(person.household)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.is_dead:
        message = _("the death of %(name)s is already recorded (%(date)s)")
        raise Conflict(message % {"name": person.name, "date": person.death_date})
    if death_date > timezone.localdate():
        raise ValidationFailed(_("the date of death is in the future"), field="death_date")
    if death_date < person.birth_date:
        raise ValidationFailed(
            _("the date of death is before the date of birth"), field="death_date"
        )
    if person.relation == Relation.HEAD:
        _hand_over_head(household, person, new_head)
    person.death_date = death_date
    person.save(update_fields=["death_date", "updated_at"])
    # A death found out after registration still closes the membership no earlier than it began.
    membership = Membership.objects.select_for_update().get(person=person, valid_to__isnull=True)
    membership.valid_to = max(death_date, membership.valid_from)
    membership.save(update_fields=["valid_to"])
    if household.payee_id == person.pk:
        household.payee = None
        household.version += 1
        household.save(update_fields=["payee", "version", "updated_at"])
    _check_heads_in_db(household)
    changes = {"death_date": [None, str(death_date)]}
    _audit_person(actor, "person.record_death", person, household, changes, request)
    _snapshot(household, actor, "person_record_death", changes, note=person.name)
    return person


def person_assert_alive_for_application(person: Person) -> None:
    """Casework calls this before adding a person to a new application."""
    if person.is_dead:
        message = _("%(name)s died on %(date)s and cannot be part of a new application")
        raise ValidationFailed(message % {"name": person.name, "date": person.death_date})


# ---------------------------------------------------------------- income and assets


@transaction.atomic
def income_add(
    *,
    actor: User,
    person: Person,
    income_type: str,
    monthly_fen: int,
    valid_from: date,
    valid_to: date | None = None,
    verified: bool = False,
    counts_as_income: bool | None = None,
    note: str = "",
    request: HttpRequest | None = None,
) -> IncomeRecord:
    """An income of one member. Whether it counts follows its type unless said otherwise."""
    household = _lock_household(person.household)
    if income_type not in IncomeType.values:
        raise ValidationFailed(_("choose the kind of income"), field="income_type")
    check_amount(monthly_fen, field="monthly_fen")
    check_period(valid_from, valid_to)
    if counts_as_income is None:
        counts_as_income = counts_as_income_by_default(income_type)
    income = IncomeRecord.objects.create(
        person=person,
        income_type=income_type,
        monthly_fen=monthly_fen,
        valid_from=valid_from,
        valid_to=valid_to,
        verified=verified,
        counts_as_income=counts_as_income,
        note=note.strip(),
    )
    changes = {
        "income_type": [None, income_type],
        "monthly_fen": [None, monthly_fen],
        "valid_from": [None, str(valid_from)],
        "verified": [None, verified],
    }
    _audit(actor, "income.add", household, changes, request, obj=income)
    _snapshot(household, actor, "income_add", changes, note=person.name)
    return income


@transaction.atomic
def income_end(
    *, actor: User, income: IncomeRecord, valid_to: date, request: HttpRequest | None = None
) -> IncomeRecord:
    household = _lock_household(income.person.household)
    income = IncomeRecord.objects.select_for_update().get(pk=income.pk)
    check_period(income.valid_from, valid_to)
    changes = {"valid_to": [_iso(income.valid_to), str(valid_to)]}
    income.valid_to = valid_to
    income.save(update_fields=["valid_to"])
    _audit(actor, "income.end", household, changes, request, obj=income)
    _snapshot(household, actor, "income_end", changes, note=income.person.name)
    return income


@transaction.atomic
def asset_add(
    *,
    actor: User,
    household: Household,
    kind: str,
    value_fen: int,
    valid_from: date,
    valid_to: date | None = None,
    is_disability_vehicle: bool = False,
    description: str = "",
    request: HttpRequest | None = None,
) -> Asset:
    household = _lock_household(household)
    if kind not in AssetKind.values:
        raise ValidationFailed(_("choose the kind of asset"), field="kind")
    check_amount(value_fen, field="value_fen")
    check_period(valid_from, valid_to)
    if is_disability_vehicle and kind != AssetKind.VEHICLE:
        raise ValidationFailed(
            _("only a vehicle can be a disability vehicle"), field="is_disability_vehicle"
        )
    asset = Asset.objects.create(
        household=household,
        kind=kind,
        value_fen=value_fen,
        valid_from=valid_from,
        valid_to=valid_to,
        is_disability_vehicle=is_disability_vehicle,
        description=description.strip(),
    )
    changes = {
        "kind": [None, kind],
        "value_fen": [None, value_fen],
        "valid_from": [None, str(valid_from)],
    }
    _audit(actor, "asset.add", household, changes, request, obj=asset)
    _snapshot(household, actor, "asset_add", changes, note=asset.get_kind_display())
    return asset


@transaction.atomic
def asset_end(
    *, actor: User, asset: Asset, valid_to: date, request: HttpRequest | None = None
) -> Asset:
    household = _lock_household(asset.household)
    asset = Asset.objects.select_for_update().get(pk=asset.pk)
    check_period(asset.valid_from, valid_to)
    changes = {"valid_to": [_iso(asset.valid_to), str(valid_to)]}
    asset.valid_to = valid_to
    asset.save(update_fields=["valid_to"])
    _audit(actor, "asset.end", household, changes, request, obj=asset)
    _snapshot(household, actor, "asset_end", changes, note=asset.get_kind_display())
    return asset


# ---------------------------------------------------------------- rules that need the database


def _village_for(actor: User, region_code: str) -> Region:
    region = Region.objects.filter(code=region_code, level=RegionLevel.VILLAGE).first()
    if region is None or not access.covers(actor, region_code):
        # The same words for "no such village" and "not yours": a probe learns nothing.
        message = _("%(code)s is not a village in your jurisdiction")
        raise ValidationFailed(message % {"code": region_code}, field="region_code")
    return region


def _check_identity_unique(
    actor: User, id_number: str, *, label: str, exclude_pk: int | None = None
) -> None:
    """Found through the blind index under every key, so a rotation in progress misses nothing."""
    same = Person.objects.filter(id_number_index__in=blind_index_candidates(id_number))
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    existing = same.select_related("household").first()
    if existing is None:
        return
    if access.covers(actor, existing.household.region_code):
        message = _(
            "%(label)s: the identity number %(masked)s is already registered to %(name)s in "
            "household %(no)s"
        )
        values = {
            "label": label,
            "masked": mask(id_number),
            "name": existing.name,
            "no": existing.household.household_no,
        }
    else:
        message = _(
            "%(label)s: the identity number %(masked)s is already registered in a household "
            "outside your jurisdiction; ask the county civil affairs bureau to transfer the "
            "person"
        )
        values = {"label": label, "masked": mask(id_number)}
    raise Conflict(message % values, field="id_number")


def _check_no_repeated_ids(members: list[PersonFacts]) -> None:
    seen: dict[str, str] = {}
    for member in members:
        if member.id_number in seen:
            message = _("%(a)s and %(b)s have the same identity number")
            raise ValidationFailed(
                message % {"a": seen[member.id_number], "b": member.name}, field="id_number"
            )
        seen[member.id_number] = member.name


def _check_heads_in_db(household: Household) -> None:
    members = Person.objects.filter(household=household).values_list(
        "name", "relation", "death_date"
    )
    check_heads(
        [(name, relation, death is None) for name, relation, death in members],
        household_label=household.household_no,
    )


def _hand_over_head(household: Household, head: Person, new_head: Person | None) -> None:
    others = Person.objects.filter(household=household, death_date__isnull=True).exclude(pk=head.pk)
    if not others.exists():
        return  # the last living member: the household has no one left to head it
    if new_head is None or not others.filter(pk=new_head.pk).exists():
        message = _(
            "%(name)s is the head of household %(no)s: choose which living member heads it now"
        )
        raise ValidationFailed(
            message % {"name": head.name, "no": household.household_no}, field="new_head"
        )
    _set_relation(Person.objects.select_for_update().get(pk=new_head.pk), Relation.HEAD)


def _set_relation(person: Person, relation: str) -> None:
    person.relation = relation
    person.save(update_fields=["relation", "updated_at"])
    Membership.objects.filter(person=person, valid_to__isnull=True).update(relation=relation)


def _next_household_no(region: Region) -> str:
    # Locking the village's region row makes two creations in one village take turns, so they
    # cannot both read the same last number.
    Region.objects.select_for_update().filter(pk=region.pk).first()
    numbers = Household.objects.filter(household_no__startswith=region.code).values_list(
        "household_no", flat=True
    )
    last = max(
        (int(n[len(region.code) :]) for n in numbers if n[len(region.code) :].isdigit()),
        default=0,
    )
    return f"{region.code}{last + 1:0{SEQUENCE_DIGITS}d}"


def _lock_household(household: Household) -> Household:
    return Household.objects.select_for_update().get(pk=household.pk)


def _check_version(household: Household, expected_version: int) -> None:
    if household.version == expected_version:
        return
    last = household.snapshots.select_related("changed_by").first()
    if last is not None and last.changed_by is not None:
        message = _(
            "household %(no)s was changed by %(who)s at %(when)s after you opened this form; "
            "reload the page, check their change and enter yours again"
        )
        values = {
            "no": household.household_no,
            "who": str(last.changed_by),
            "when": timezone.localtime(last.taken_at).strftime("%Y-%m-%d %H:%M"),
        }
    else:
        message = _(
            "household %(no)s was changed by someone else after you opened this form; reload the "
            "page and enter your change again"
        )
        values = {"no": household.household_no}
    raise Conflict(message % values, field="version")


# ---------------------------------------------------------------- audit and snapshots


def _audit(
    actor: User,
    action: str,
    household: Household,
    changes: dict,
    request: HttpRequest | None,
    obj: object = None,
) -> None:
    record = obj if obj is not None else household
    audit_record(
        actor=actor,
        action=action,
        object_type=record._meta.label_lower,  # type: ignore[attr-defined]
        object_id=record.pk,  # type: ignore[attr-defined]
        region_code=household.region_code,
        changes={"household": household.household_no, **changes},
        request=request,
    )


def _audit_person(
    actor: User,
    action: str,
    person: Person,
    household: Household,
    changes: dict,
    request: HttpRequest | None,
) -> None:
    _audit(actor, action, household, changes, request, obj=person)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _snapshot(
    household: Household, actor: User, reason: str, changes: dict, note: str = ""
) -> HouseholdSnapshot:
    return HouseholdSnapshot.objects.create(
        household=household,
        taken_at=timezone.now(),
        changed_by=actor if actor.pk else None,
        reason=reason,
        data={**snapshot_data(household), "changes": changes, "note": note},
    )


SNAPSHOT_PERSON_FIELDS = tuple(f for f in PersonFacts.PERSON_FIELDS if f != "id_number")


def snapshot_data(household: Household) -> dict:
    """The household as it stands, personal data masked: what a history page may show."""
    members = list(
        Person.objects.filter(household=household)
        .prefetch_related("incomes")
        .order_by("birth_date", "pk")
    )
    today = timezone.localdate()
    incomes = [
        {
            "id": income.pk,
            "person_id": member.pk,
            "person_name": member.name,
            "income_type": income.income_type,
            "monthly_fen": income.monthly_fen,
            "valid_from": _iso(income.valid_from),
            "valid_to": _iso(income.valid_to),
            "verified": income.verified,
            "counts_as_income": income.counts_as_income,
        }
        for member in members
        for income in member.incomes.all()
        if income.valid_to is None or income.valid_to >= today
    ]
    assets = [
        {
            "id": asset.pk,
            "kind": asset.kind,
            "value_fen": asset.value_fen,
            "is_disability_vehicle": asset.is_disability_vehicle,
            "description": asset.description,
            "valid_from": _iso(asset.valid_from),
            "valid_to": _iso(asset.valid_to),
        }
        for asset in household.assets.order_by("valid_from", "pk")
        if asset.valid_to is None or asset.valid_to >= today
    ]
    return {
        "household": {
            "id": household.pk,
            "household_no": household.household_no,
            "region_code": household.region_code,
            "address": household.address,
            "residence_type": household.residence_type,
            "status": household.status,
            "payee_id": household.payee_id,
            "bank_name": household.bank_name,
            "bank_account": mask_bank_account(household.bank_account),
            "phone": mask_phone(household.phone),
            "version": household.version,
        },
        "members": [
            {
                "id": member.pk,
                "id_number": mask(member.id_number),
                **{name: _jsonable(getattr(member, name)) for name in SNAPSHOT_PERSON_FIELDS},
                "death_date": _iso(member.death_date),
            }
            for member in members
        ],
        "incomes": incomes,
        "assets": assets,
    }


def _jsonable(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    return value
