"""Households, people, their incomes and assets: the facts every decision rests on.

Nothing here is overwritten without trace: memberships, incomes and assets carry validity
periods, and every change to a household writes a snapshot (`HouseholdSnapshot`), so the
registry can be read as it was on the date of any past decision or payment.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from huimin.core.pii import BlindIndexField, EncryptedTextField
from huimin.registry.ethnic_groups import EthnicGroup
from huimin.registry.search_keys import IdEndsIndexField, NameSortField


class ResidenceType(models.TextChoices):
    URBAN = "urban", _("urban")
    RURAL = "rural", _("rural")


class HouseholdStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    CLOSED = "closed", _("closed")


class Relation(models.TextChoices):
    HEAD = "head", _("head of household")
    SPOUSE = "spouse", _("spouse")
    CHILD = "child", _("child")
    PARENT = "parent", _("parent")
    GRANDCHILD = "grandchild", _("grandchild")
    SIBLING = "sibling", _("brother or sister")
    OTHER = "other", _("other relative")


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class DisabilityCategory(models.IntegerChoices):
    VISUAL = 1, _("visual")
    HEARING = 2, _("hearing")
    SPEECH = 3, _("speech")
    PHYSICAL = 4, _("physical")
    INTELLECTUAL = 5, _("intellectual")
    MENTAL = 6, _("mental")
    MULTIPLE = 7, _("multiple")


class SpecialCareCategory(models.TextChoices):
    NONE = "none", _("none")
    DISABLED_VETERAN = "disabled_veteran", _("disabled veteran")
    MARTYR_FAMILY = "martyr_family", _("martyr's family")
    DIED_ON_DUTY_FAMILY = "died_on_duty_family", _("family of one who died on duty")
    VETERAN_IN_DIFFICULTY = "veteran_in_difficulty", _("veteran in difficulty")


class NotCountedReason(models.TextChoices):
    NONE = "", _("counted")
    SOLDIER = "soldier", _("unmarried soldier on active duty")
    PRISONER = "prisoner", _("serving a prison sentence")
    CLERGY = "clergy_away", _("clergy away for more than a year")
    OTHER = "other", _("other reason, see notes")


class ParentStatus(models.TextChoices):
    PRESENT = "present", _("present and able")
    DEAD = "dead", _("dead")
    MISSING = "missing", _("missing")
    SEVERELY_DISABLED = "severely_disabled", _("severely disabled")
    SERIOUSLY_ILL = "seriously_ill", _("seriously ill")
    IMPRISONED = "imprisoned", _("imprisoned")
    DRUG_REHABILITATION = "drug_rehabilitation", _("in compulsory drug rehabilitation")
    DEPRIVED_OF_LIBERTY = "deprived_of_liberty", _("otherwise deprived of liberty")


class IncomeType(models.TextChoices):
    WAGES = "wages", _("wages")
    FARM_NET = "farm_net", _("farm income (12-month net / 12)")
    BUSINESS = "business", _("business income")
    PROPERTY = "property", _("rent and interest")
    TRANSFER_SUPPORT = "transfer_support", _("support from relatives outside the household")
    PENSION_BASIC = "pension_basic", _("basic old-age pension")
    PENSION_OTHER = "pension_other", _("other pension")
    SPECIAL_CARE = "special_care", _("special-care payment")
    FAMILY_PLANNING_REWARD = "family_planning_reward", _("family-planning reward")
    SCHOLARSHIP = "scholarship", _("scholarship")
    BRAVERY_AWARD = "bravery_award", _("award for bravery")
    SOCIAL_ASSISTANCE = "social_assistance", _("social assistance payment")
    OTHER = "other", _("other income")


class AssetKind(models.TextChoices):
    DEPOSIT = "deposit", _("bank deposits")
    SECURITIES = "securities", _("securities and funds")
    VEHICLE = "vehicle", _("vehicle")
    HOME = "home", _("home")
    COMMERCIAL_PROPERTY = "commercial_property", _("commercial property")
    DEBT_OWED = "debt_owed", _("debt owed to the family")


class Household(models.Model):
    household_no = models.CharField(_("household number"), max_length=20, unique=True)
    region_code = models.CharField(_("village"), max_length=12)
    address = models.CharField(_("address"), max_length=200)
    residence_type = models.CharField(
        _("registered residence"), max_length=8, choices=ResidenceType.choices
    )
    payee = models.ForeignKey(
        "Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("payee"),
    )
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    bank_account = EncryptedTextField(_("bank account"), blank=True, default="")
    bank_account_index = BlindIndexField(source="bank_account")
    phone = EncryptedTextField(_("phone"), blank=True, default="")
    phone_index = BlindIndexField(source="phone")
    status = models.CharField(
        max_length=8, choices=HouseholdStatus.choices, default=HouseholdStatus.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)  # optimistic locking for edit forms

    class Meta:
        permissions = [
            ("import_registry", "May import households and persons from a file"),
            ("export_registry", "May export search results"),
        ]
        indexes = [
            # varchar_pattern_ops lets PostgreSQL use the index for `LIKE '5329%'` in any locale.
            models.Index(
                fields=["region_code"],
                name="household_region_idx",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["bank_account_index"], name="household_bank_account_idx"),
            models.Index(fields=["phone_index"], name="household_phone_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(region_code__regex=r"^[0-9]{12}$"),
                name="household_region_is_village_code",
            ),
        ]

    def __str__(self) -> str:
        return self.household_no


class Person(models.Model):
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members")
    name = models.CharField(_("name"), max_length=50)
    # Pinyin order for pages (search_keys.py): the database sorts and pages by it.
    name_sort = NameSortField(source="name")
    id_number = EncryptedTextField(_("identity number"))
    id_number_index = BlindIndexField(source="id_number")
    # What the masked number shows (first and last four), hashed: found only with a name or village.
    id_ends_index = IdEndsIndexField(source="id_number")
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"))
    # A GB/T 3304 code (ethnic_groups.py); the pages show the group's name.
    ethnicity = models.CharField(
        _("ethnic group"), max_length=20, blank=True, choices=EthnicGroup.choices
    )
    relation = models.CharField(_("relation to the head"), max_length=12, choices=Relation.choices)
    disability_category = models.PositiveSmallIntegerField(
        _("disability category"), null=True, blank=True, choices=DisabilityCategory.choices
    )
    disability_grade = models.PositiveSmallIntegerField(
        _("disability grade"), null=True, blank=True
    )
    # Self-care over the six activities of daily living: True means cannot do it unaided.
    cannot_eat = models.BooleanField(_("cannot eat unaided"), default=False)
    cannot_dress = models.BooleanField(_("cannot dress unaided"), default=False)
    cannot_transfer = models.BooleanField(_("cannot get in and out of bed unaided"), default=False)
    cannot_toilet = models.BooleanField(_("cannot use the toilet unaided"), default=False)
    cannot_walk_indoors = models.BooleanField(_("cannot walk indoors unaided"), default=False)
    cannot_bathe = models.BooleanField(_("cannot bathe unaided"), default=False)
    serious_illness = models.BooleanField(_("serious illness"), default=False)
    # Facts that can weigh against the applicant start unknown (null) until someone answers them;
    # the rules read an unknown as not against the applicant (programs/frames.py).
    able_to_work = models.BooleanField(_("able to work"), null=True, blank=True, default=None)
    student = models.BooleanField(_("full-time student"), default=False)
    special_care_category = models.CharField(
        _("special-care category"),
        max_length=24,
        choices=SpecialCareCategory.choices,
        default=SpecialCareCategory.NONE,
    )
    special_care_grade = models.PositiveSmallIntegerField(
        _("veteran's disability grade"), null=True, blank=True
    )
    counted_in_family = models.BooleanField(_("counted in the family for assistance"), default=True)
    not_counted_reason = models.CharField(
        _("why not counted"),
        max_length=12,
        choices=NotCountedReason.choices,
        blank=True,
        default="",
    )
    father_status = models.CharField(
        max_length=20, choices=ParentStatus.choices, default=ParentStatus.PRESENT
    )
    mother_status = models.CharField(
        max_length=20, choices=ParentStatus.choices, default=ParentStatus.PRESENT
    )
    # Detention, rehabilitation and loss of contact count for a child without support only after
    # six months, so the date a parent's situation began matters. Empty: long-standing.
    father_status_since = models.DateField(_("father's situation since"), null=True, blank=True)
    mother_status_since = models.DateField(_("mother's situation since"), null=True, blank=True)
    legal_supporter_able = models.BooleanField(
        _("has a legal supporter able to support"), null=True, blank=True, default=None
    )
    in_institution = models.BooleanField(_("lives in an institution"), default=False)
    death_date = models.DateField(_("date of death"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    SELF_CARE_FIELDS = (
        "cannot_eat",
        "cannot_dress",
        "cannot_transfer",
        "cannot_toilet",
        "cannot_walk_indoors",
        "cannot_bathe",
    )

    class Meta:
        constraints = [
            # One person, one identity number, one household: the database enforces it.
            models.UniqueConstraint(fields=["id_number_index"], name="person_identity_unique"),
            models.CheckConstraint(
                condition=Q(disability_category__isnull=True, disability_grade__isnull=True)
                | Q(
                    disability_category__gte=1,
                    disability_category__lte=7,
                    disability_grade__gte=1,
                    disability_grade__lte=4,
                ),
                name="person_disability_category_and_grade_together",
            ),
            models.CheckConstraint(
                condition=Q(counted_in_family=True, not_counted_reason="")
                | Q(counted_in_family=False) & ~Q(not_counted_reason=""),
                name="person_not_counted_has_reason",
            ),
        ]
        indexes = [
            # Name search is by prefix; varchar_pattern_ops serves `LIKE '张%'` in any locale.
            models.Index(
                fields=["name"], name="person_name_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["id_ends_index"], name="person_id_ends_idx"),
            # The search sorts households by their living head's name: these few columns of the
            # heads alone, instead of a scan of every person.
            models.Index(
                fields=["household", "name_sort"],
                condition=Q(relation="head", death_date__isnull=True),
                name="person_living_head_idx",
            ),
            # "A member with a disability": the few disabled people, not a scan of everyone.
            models.Index(
                fields=["household", "disability_grade"],
                condition=Q(disability_category__isnull=False, death_date__isnull=True),
                name="person_living_disabled_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def selfcare_unable_count(self) -> int:
        return sum(bool(getattr(self, name)) for name in self.SELF_CARE_FIELDS)

    @property
    def is_dead(self) -> bool:
        return self.death_date is not None


class Membership(models.Model):
    """Which household a person belonged to, when: a move closes one period and opens another."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="memberships")
    relation = models.CharField(max_length=12, choices=Relation.choices)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(valid_to__isnull=True),
                name="membership_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="membership_period_ordered",
            ),
            # One living head per household: a death or a move closes the membership, so the open
            # head memberships are exactly the living heads. Not deferrable (Django cannot defer
            # a conditional unique constraint), so a change of head demotes before it promotes.
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(valid_to__isnull=True, relation="head"),
                name="membership_one_open_head_per_household",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.household_id} from {self.valid_from}"


class IncomeRecord(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="incomes")
    income_type = models.CharField(_("type"), max_length=24, choices=IncomeType.choices)
    monthly_fen = models.BigIntegerField(_("monthly amount (fen)"))
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), null=True, blank=True)
    verified = models.BooleanField(_("verified"), default=False)  # False: declared by the family
    # The registry records every income as it is; which kinds count, by period and region, is
    # each program's parameter (e.g. dibao.income.counted_types). A caseworker may still exclude
    # one record, saying why: then no program counts it, and pages show the reason.
    exclusion_reason = models.CharField(
        _("excluded from assistance income because"), max_length=200, blank=True
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(monthly_fen__gte=0), name="income_not_negative"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="income_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.income_type} {self.monthly_fen} fen/month from {self.valid_from}"

    @property
    def is_excluded(self) -> bool:
        return bool(self.exclusion_reason)


class Asset(models.Model):
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="assets")
    kind = models.CharField(_("kind"), max_length=24, choices=AssetKind.choices)
    value_fen = models.BigIntegerField(_("value (fen)"), default=0)
    is_disability_vehicle = models.BooleanField(_("disability vehicle"), default=False)
    description = models.CharField(_("description"), max_length=200, blank=True)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(value_fen__gte=0), name="asset_value_not_negative"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="asset_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.value_fen} fen from {self.valid_from}"


class HouseholdSnapshot(models.Model):
    """The whole household as it stood after one change: members, incomes, assets.

    Personal data appears masked, so history pages and exports never carry clear numbers.
    """

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="snapshots")
    taken_at = models.DateTimeField(db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=100)
    data = models.JSONField()

    class Meta:
        ordering = ["household", "-taken_at", "-id"]

    def __str__(self) -> str:
        return f"{self.household_id} at {self.taken_at:%Y-%m-%d %H:%M} ({self.reason})"
