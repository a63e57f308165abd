"""The rules of consistency that need the database: villages, identity numbers, heads, numbers."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.core import access
from huimin.core.errors import Conflict, TooManyAttempts, ValidationFailed
from huimin.core.models import AuditEvent, Region, RegionLevel, User
from huimin.core.pii import blind_index_candidates, mask
from huimin.core.refusals import refusal_record, refusals_pending
from huimin.registry.models import Household, Membership, Person
from huimin.registry.validation import PersonFacts, check_heads

ID_ELSEWHERE_ACTION = "registry.identity_registered_elsewhere"
SEQUENCE_DIGITS = 5  # household number = village code + 5 digits: 17 characters, never an ID's 18


def village_for(actor: User, region_code: str) -> Region:
    region = Region.objects.filter(code=region_code, level=RegionLevel.VILLAGE).first()
    if region is None or not access.covers(actor, region_code):
        # The same words for "no such village" and "not yours": a probe learns nothing.
        message = _("%(code)s is not a village in your jurisdiction")
        raise ValidationFailed(message % {"code": region_code}, field="region_code")
    return region


def check_identity_unique(
    actor: User, id_number: str, *, label: str, exclude_pk: int | None = None
) -> None:
    """Found through the blind index under every key, so a rotation in progress misses nothing.

    "Registered outside your jurisdiction" tells the asker something about another county, so
    each such answer is audited in that county (the event outlives the refusal, see
    core/refusals.py), and a user who gets it too often is refused every identity check for
    the hour: refusing only those numbers would itself answer the question.
    """
    _refuse_probing(actor)
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
        refusal_record(
            actor=actor,
            action=ID_ELSEWHERE_ACTION,
            object_type="registry.person",
            object_id=existing.pk,
            region_code=existing.household.region_code,
            changes={"id_number": mask(id_number)},
        )
        message = _(
            "%(label)s: the identity number %(masked)s is already registered in a household "
            "outside your jurisdiction; ask the county civil affairs bureau to transfer the "
            "person"
        )
        values = {"label": label, "masked": mask(id_number)}
    raise Conflict(message % values, field="id_number")


def _refuse_probing(actor: User) -> None:
    limit = settings.FOREIGN_ID_ATTEMPTS_PER_HOUR
    since = timezone.now() - timedelta(hours=1)
    recorded = AuditEvent.objects.filter(
        actor_id=actor.pk, action=ID_ELSEWHERE_ACTION, created_at__gte=since
    ).count()
    queued = refusals_pending(
        lambda event: event["action"] == ID_ELSEWHERE_ACTION and event["actor"].pk == actor.pk
    )
    if recorded + queued >= limit:
        message = _(
            "You have entered %(n)d identity numbers registered outside your jurisdiction "
            "within an hour. Registering people is paused for you for an hour; ask the county "
            "civil affairs bureau to transfer a person registered elsewhere."
        )
        raise TooManyAttempts(message % {"n": recorded + queued}, field="id_number")


def check_no_repeated_ids(members: list[PersonFacts]) -> None:
    seen: dict[str, str] = {}
    for member in members:
        if member.id_number in seen:
            message = _("%(a)s and %(b)s have the same identity number")
            raise ValidationFailed(
                message % {"a": seen[member.id_number], "b": member.name}, field="id_number"
            )
        seen[member.id_number] = member.name


def check_heads_in_db(household: Household) -> None:
    members = Person.objects.filter(household=household).values_list(
        "name", "relation", "death_date"
    )
    check_heads(
        [(name, relation, death is None) for name, relation, death in members],
        household_label=household.household_no,
    )


def check_heads_after(
    household: Household, *, person: PersonFacts | Person, relation: str, pk: int | None = None
) -> None:
    """The heads rule as it will stand once `person` (pk, if registered) holds `relation`.

    Checked before writing: the database's one-open-head constraint would otherwise refuse the
    write with an error that names no one.
    """
    members = [
        (name, member_relation, death is None)
        for member_pk, name, member_relation, death in Person.objects.filter(
            household=household
        ).values_list("pk", "name", "relation", "death_date")
        if member_pk != pk
    ]
    members.append((person.name, relation, True))
    check_heads(members, household_label=household.household_no)


def head_successor(household: Household, head: Person, new_head: Person | None) -> Person | None:
    """Who heads the household once `head` leaves or dies; None if no living member remains.

    Only checks: the caller closes the head's membership first and then promotes the successor
    with `set_relation`, so there is never a moment with two open head memberships.
    """
    others = Person.objects.filter(household=household, death_date__isnull=True).exclude(pk=head.pk)
    if not others.exists():
        return None  # the last living member: the household has no one left to head it
    if new_head is None or not others.filter(pk=new_head.pk).exists():
        message = _(
            "%(name)s is the head of household %(no)s: choose which living member heads it now"
        )
        raise ValidationFailed(
            message % {"name": head.name, "no": household.household_no}, field="new_head"
        )
    return Person.objects.select_for_update().get(pk=new_head.pk)


def set_relation(person: Person, relation: str) -> None:
    person.relation = relation
    person.save(update_fields=["relation", "updated_at"])
    Membership.objects.filter(person=person, valid_to__isnull=True).update(relation=relation)


def next_household_no(region: Region) -> str:
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
