"""Pure checks on registry facts: no database, no request, only the values and the rules.

Each check raises `ValidationFailed` naming the field (and, through `label`, the record) so that a
form can show the message next to the field and an import can report it against its row.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.db.models import Choices
from django.utils.translation import gettext as _
from stdnum import luhn
from stdnum.cn import ric
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)

from huimin.core.errors import Problems, ValidationFailed
from huimin.core.text import check_text
from huimin.registry.ethnic_groups import ethnic_group_code
from huimin.registry.models import (
    DisabilityCategory,
    Household,
    NotCountedReason,
    ParentStatus,
    Person,
    Relation,
    ResidenceType,
    Sex,
    SpecialCareCategory,
)

VILLAGE_CODE_LENGTH = 12
# Identity, account and phone numbers are stored encrypted, in columns without a length; these
# are the lengths the forms and the API accept as typed (`clean_id_number` then wants exactly 18
# characters, spaces aside).
ID_NUMBER_LENGTH = 20
BANK_ACCOUNT_LENGTH = 40
PHONE_LENGTH = 20
DISABILITY_GRADES = range(1, 5)
SPECIAL_CARE_GRADES = range(1, 11)  # a disabled veteran's grade, 1 the most severe

EXCLUSION_REASON_LENGTH = 200

# Bank accounts. The registry records no account type, so the length tells: a bank card (UnionPay)
# has 16 to 19 digits, the last a Luhn check digit; any other length is a passbook or other
# account, 12 to 30 digits, whose numbers carry no common check digit.
CARD_LENGTHS = range(16, 20)
OTHER_ACCOUNT_LENGTHS = range(12, 31)

# Phones: a mainland mobile (1, then 3-9, then 9 digits) or a landline with its area code
# (0 and 2 or 3 digits, an optional dash, 7 or 8 digits), optionally an extension after a dash.
MOBILE_PATTERN = re.compile(r"1[3-9][0-9]{9}")
LANDLINE_PATTERN = re.compile(r"0[0-9]{2,3}-?[0-9]{7,8}(?:-[0-9]{1,6})?")


@dataclass
class HouseholdFacts:
    """What a person types about a household (personal data in clear, as entered)."""

    region_code: str
    address: str
    residence_type: str
    bank_name: str = ""
    bank_account: str = ""
    phone: str = ""


@dataclass
class PersonFacts:
    """What a person types about a member. Sex and birth date may be left empty: the ID gives them."""

    name: str
    id_number: str
    relation: str
    sex: str = ""
    birth_date: date | None = None
    ethnicity: str = ""
    disability_category: int | None = None
    disability_grade: int | None = None
    cannot_eat: bool = False
    cannot_dress: bool = False
    cannot_transfer: bool = False
    cannot_toilet: bool = False
    cannot_walk_indoors: bool = False
    cannot_bathe: bool = False
    serious_illness: bool = False
    # None: not yet known (it must not count against the applicant).
    able_to_work: bool | None = None
    student: bool = False
    special_care_category: str = SpecialCareCategory.NONE
    special_care_grade: int | None = None
    counted_in_family: bool = True
    not_counted_reason: str = ""
    father_status: str = ParentStatus.PRESENT
    mother_status: str = ParentStatus.PRESENT
    father_status_since: date | None = None
    mother_status_since: date | None = None
    legal_supporter_able: bool | None = None
    in_institution: bool = False

    # The fields of Person these facts set, in the order forms show them.
    PERSON_FIELDS = (
        "name", "id_number", "sex", "birth_date", "ethnicity", "relation",
        "disability_category", "disability_grade",
        "cannot_eat", "cannot_dress", "cannot_transfer", "cannot_toilet", "cannot_walk_indoors",
        "cannot_bathe", "serious_illness", "able_to_work", "student",
        "special_care_category", "special_care_grade", "counted_in_family", "not_counted_reason",
        "father_status", "mother_status", "father_status_since", "mother_status_since",
        "legal_supporter_able", "in_institution",
    )  # fmt: skip

    def values(self) -> dict:
        return {name: getattr(self, name) for name in self.PERSON_FIELDS}


def who(label: str) -> str:
    """A prefix naming the record a message is about, e.g. "张三: "."""
    return _("%(label)s: ") % {"label": label} if label else ""


def clean_id_number(value: str, *, label: str = "") -> str:
    """The identity number in its stored form (18 characters, upper-case X), or a clear error."""
    number = "".join((value or "").split()).replace("-", "").upper()
    try:
        return _validate_ric(number)
    except InvalidLength:
        message = _("the identity number must have 18 characters; “%(value)s” has %(n)d")
        raise ValidationFailed(
            who(label) + message % {"value": value, "n": len(number)}, field="id_number"
        ) from None
    except InvalidFormat:
        message = _("the identity number must be 17 digits followed by a digit or X")
        raise ValidationFailed(who(label) + message, field="id_number") from None
    except InvalidChecksum:
        message = _(
            "the identity number “%(value)s” fails its check digit: one of its characters is "
            "probably mistyped"
        )
        raise ValidationFailed(who(label) + message % {"value": value}, field="id_number") from None
    except InvalidComponent:
        message = _("the identity number “%(value)s” does not contain a real date of birth")
        raise ValidationFailed(who(label) + message % {"value": value}, field="id_number") from None


def _validate_ric(number: str) -> str:
    """`ric.validate` without its birth-place check.

    stdnum refuses an address code that did not exist in the birth year, but the code is where
    the number was issued, often years later (POLICY.md), so real numbers of older people whose
    county was renamed would be refused. Length, digits, check digit and birth date remain.
    """
    if len(number) != 18:
        raise InvalidLength()
    if not number[:-1].isdigit():
        raise InvalidFormat()
    if number[-1] != ric.calc_check_digit(number):
        raise InvalidChecksum()
    _birth_date(number)
    return number


def _birth_date(number: str) -> date:
    """`ric.get_birth_date` of a number already 18 characters without spaces: the same date,
    without stdnum's clean-up of the text (a payroll checks every payee's number)."""
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidComponent() from None


def id_number_is_valid(number: str) -> bool:
    try:
        _validate_ric(number)
    except ValidationError:
        return False
    return True


def sex_from_id(number: str) -> str:
    """GB 11643: the 17th character is odd for a man, even for a woman."""
    return Sex.MALE if int(number[16]) % 2 == 1 else Sex.FEMALE


def birth_date_from_id(number: str) -> date:
    return ric.get_birth_date(number)


def check_person(facts: PersonFacts, *, today: date, label: str = "") -> PersonFacts:
    """Check one member's facts and fill in what the ID implies; returns the cleaned facts.

    Every problem is found before refusing: the `ValidationFailed` carries one error per field.
    """
    label = label or facts.name
    problems = Problems()
    facts.name = " ".join((facts.name or "").split())
    if not facts.name:
        problems.found.append(ValidationFailed(_("enter the person's name"), field="name"))
    with problems.check():
        _check_lengths(facts, Person, ("name", "ethnicity"), label=who(label))
    with problems.check():
        facts.ethnicity = clean_ethnicity(facts.ethnicity, label=label)
    id_ok = False
    with problems.check():
        facts.id_number = clean_id_number(facts.id_number, label=label)
        id_ok = True
    if id_ok:
        with problems.check():
            _check_birth_date(facts, today, label)
        with problems.check():
            _check_sex(facts, label)
    elif facts.birth_date is not None and facts.birth_date > today:
        problems.found.append(
            ValidationFailed(
                who(label) + _("the date of birth is in the future"), field="birth_date"
            )
        )
    for value, choices, field in (
        (facts.relation, Relation, "relation"),
        (facts.special_care_category, SpecialCareCategory, "special_care_category"),
        (facts.father_status, ParentStatus, "father_status"),
        (facts.mother_status, ParentStatus, "mother_status"),
    ):
        with problems.check():
            _check_choice(value, choices, field, label)
    with problems.check():
        check_disability(facts.disability_category, facts.disability_grade, label=label)
    with problems.check():
        check_special_care(facts.special_care_category, facts.special_care_grade, label=label)
    with problems.check():
        check_counted(facts.counted_in_family, facts.not_counted_reason, label=label)
    for parent in ("father", "mother"):
        with problems.check():
            check_parent_since(facts, parent, today, label=label)
    problems.raise_any()
    return facts


def _check_birth_date(facts: PersonFacts, today: date, label: str) -> None:
    id_birth = birth_date_from_id(facts.id_number)
    if facts.birth_date is None:
        facts.birth_date = id_birth
    elif facts.birth_date != id_birth:
        message = _(
            "the date of birth %(entered)s does not match the identity number, which says "
            "%(from_id)s"
        )
        raise ValidationFailed(
            who(label) + message % {"entered": facts.birth_date, "from_id": id_birth},
            field="birth_date",
        )
    if facts.birth_date > today:
        raise ValidationFailed(
            who(label) + _("the date of birth is in the future"), field="birth_date"
        )


def _check_sex(facts: PersonFacts, label: str) -> None:
    id_sex = sex_from_id(facts.id_number)
    if not facts.sex:
        facts.sex = id_sex
    elif facts.sex != id_sex:
        message = _(
            "the sex entered (%(entered)s) does not match the identity number (%(from_id)s)"
        )
        raise ValidationFailed(
            who(label) + message % {"entered": Sex(facts.sex).label, "from_id": Sex(id_sex).label},
            field="sex",
        )


def clean_ethnicity(value: str, *, label: str = "") -> str:
    """The GB/T 3304 code of the group named by its code, Chinese or English name ("" if none)."""
    code = ethnic_group_code(value)
    if code is None:
        message = _(
            "“%(value)s” is not an ethnic group: give its name (白族, 白 or Bai) or its GB/T 3304 "
            "code (14)"
        )
        raise ValidationFailed(who(label) + message % {"value": value}, field="ethnicity")
    return code


def check_parent_since(facts: PersonFacts, parent: str, today: date, *, label: str = "") -> None:
    status, since = getattr(facts, f"{parent}_status"), getattr(facts, f"{parent}_status_since")
    if since is None:
        return
    if status == ParentStatus.PRESENT:
        message = _("a date is given for a parent who is present and able: leave it empty")
        raise ValidationFailed(who(label) + message, field=f"{parent}_status_since")
    if since > today:
        message = _("the date the parent's situation began is in the future")
        raise ValidationFailed(who(label) + message, field=f"{parent}_status_since")


def check_disability(category: int | None, grade: int | None, *, label: str = "") -> None:
    if category is None and grade is None:
        return
    if category is None:
        message = _("a disability grade needs a disability category (1–7)")
        raise ValidationFailed(who(label) + message, field="disability_category")
    if grade is None:
        message = _("a disability category needs a disability grade (1–4, 1 the most severe)")
        raise ValidationFailed(who(label) + message, field="disability_grade")
    if category not in DisabilityCategory.values:
        message = _("the disability category must be 1 to 7, not %(value)s")
        raise ValidationFailed(
            who(label) + message % {"value": category}, field="disability_category"
        )
    if grade not in DISABILITY_GRADES:
        message = _("the disability grade must be 1 to 4, not %(value)s")
        raise ValidationFailed(who(label) + message % {"value": grade}, field="disability_grade")


def check_special_care(category: str, grade: int | None, *, label: str = "") -> None:
    """The import holds the same rule over a whole file (bulk/validation/person_rules.py)."""
    if grade is None:
        return
    if category != SpecialCareCategory.DISABLED_VETERAN:
        message = _("only a disabled veteran has a special-care disability grade")
        raise ValidationFailed(who(label) + message, field="special_care_grade")
    if grade not in SPECIAL_CARE_GRADES:
        message = _("the veteran's disability grade must be 1 to 10, not %(value)s")
        raise ValidationFailed(who(label) + message % {"value": grade}, field="special_care_grade")


def check_counted(counted: bool, reason: str, *, label: str = "") -> None:
    if counted and reason:
        message = _("a person counted in the family has no reason for not being counted")
        raise ValidationFailed(who(label) + message, field="not_counted_reason")
    if not counted and not reason:
        message = _(
            "say why this person is not counted in the family (soldier, prisoner, clergy away…)"
        )
        raise ValidationFailed(who(label) + message, field="not_counted_reason")
    if reason and reason not in NotCountedReason.values:
        raise ValidationFailed(who(label) + _("unknown reason"), field="not_counted_reason")


def check_household(facts: HouseholdFacts) -> HouseholdFacts:
    """Check a household's own facts; the `ValidationFailed` carries every problem found."""
    problems = Problems()
    facts.region_code = (facts.region_code or "").strip()
    if len(facts.region_code) != VILLAGE_CODE_LENGTH or not facts.region_code.isdigit():
        message = _(
            "a household belongs to a village: choose a 12-digit village code, not “%(value)s”"
        )
        problems.found.append(
            ValidationFailed(message % {"value": facts.region_code}, field="region_code")
        )
    facts.address = " ".join((facts.address or "").split())
    if not facts.address:
        problems.found.append(ValidationFailed(_("enter the household's address"), field="address"))
    with problems.check():
        _check_lengths(facts, Household, ("address", "bank_name"))
    with problems.check():
        _check_choice(facts.residence_type, ResidenceType, "residence_type", "")
    facts.bank_account = clean_bank_account(facts.bank_account)
    facts.phone = clean_phone(facts.phone)
    for field, number, problem, length in (
        ("bank_account", facts.bank_account, bank_account_problem, BANK_ACCOUNT_LENGTH),
        ("phone", facts.phone, phone_problem, PHONE_LENGTH),
    ):
        wrong = problem(number)
        if wrong:
            problems.found.append(ValidationFailed(wrong, field=field))
            continue
        with problems.check():  # the length as stored: spaces typed between digits do not count
            check_text(number, field=field, max_length=length)
    problems.raise_any()
    return facts


def clean_bank_account(value: str) -> str:
    """The account number as stored: the digits as typed, spaces and dashes between them dropped."""
    return "".join((value or "").split()).replace("-", "")


def bank_account_problem(number: str) -> str | None:
    """What is wrong with a (cleaned) bank account number, in plain words; None if it is fine.

    The form, the API and the import all ask this function, so they accept the same numbers.
    """
    if not number:
        return None
    if not number.isdigit():
        return _("a bank account number has only digits, not “%(value)s”") % {"value": number}
    n = len(number)
    if n in CARD_LENGTHS:
        if not luhn.is_valid(number):
            return _(
                "the bank card number “%(value)s” fails its check digit: one of its digits is "
                "probably mistyped"
            ) % {"value": number}
        return None
    if n not in OTHER_ACCOUNT_LENGTHS:
        return _(
            "“%(value)s” has %(n)d digits: a bank card has 16 to 19 digits, a passbook or other "
            "account 12 to 30"
        ) % {"value": number, "n": n}
    return None


def clean_phone(value: str) -> str:
    """The phone number as stored: spaces dropped, the dashes between area code, number and
    extension kept."""
    return "".join((value or "").split())


def phone_problem(number: str) -> str | None:
    """What is wrong with a (cleaned) phone number, in plain words; None if it is fine."""
    if not number:
        return None
    if MOBILE_PATTERN.fullmatch(number) or LANDLINE_PATTERN.fullmatch(number):
        return None
    if not number.replace("-", "").isdigit():
        return _("a phone number has only digits and dashes, not “%(value)s”") % {"value": number}
    if number.startswith("1") and len(number) >= 10:  # meant as a mobile number
        return _(
            "“%(value)s” is not a mobile number: a mobile number has 11 digits and starts with "
            "13 to 19"
        ) % {"value": number}
    return _(
        "“%(value)s” is not a phone number: give a mobile number (11 digits, starting with 13 "
        "to 19) or a landline with its area code, e.g. 0871-12345678 (extension after a dash)"
    ) % {"value": number}


def check_period(valid_from: date, valid_to: date | None) -> None:
    if valid_to is not None and valid_to < valid_from:
        message = _("the end date %(to)s is before the start date %(from)s")
        raise ValidationFailed(message % {"to": valid_to, "from": valid_from}, field="valid_to")


def check_amount(fen: int, *, field: str) -> None:
    if fen < 0:
        raise ValidationFailed(_("an amount cannot be negative"), field=field)


def clean_exclusion_reason(reason: str) -> str:
    """Why a caseworker excludes one income record ("" when the program's rules decide).

    Which kinds of income count is not a registry fact: it is each program's dated, regional
    parameter (dibao.income.counted_types, ...), so the registry records every income as it is.
    """
    reason = " ".join((reason or "").split())
    if len(reason) > EXCLUSION_REASON_LENGTH:
        message = _("the reason for excluding this income is too long (at most %(n)d characters)")
        raise ValidationFailed(message % {"n": EXCLUSION_REASON_LENGTH}, field="exclusion_reason")
    return reason


def check_heads(members: list[tuple[str, str, bool]], *, household_label: str) -> None:
    """members: (name, relation, alive). Exactly one head among the living, when any live."""
    living_heads = [
        name for name, relation, alive in members if alive and relation == Relation.HEAD
    ]
    if not any(alive for _name, _relation, alive in members):
        return
    if not living_heads:
        message = _("household %(no)s needs a head of household among its living members")
        raise ValidationFailed(message % {"no": household_label}, field="relation")
    if len(living_heads) > 1:
        message = _("household %(no)s can have only one head, not %(names)s")
        raise ValidationFailed(
            message % {"no": household_label, "names": "、".join(living_heads)}, field="relation"
        )


def _check_choice(value: str, choices: type[Choices], field: str, label: str) -> None:
    if value not in choices.values:
        message = _("“%(value)s” is not one of the allowed choices")
        raise ValidationFailed(who(label) + message % {"value": value}, field=field)


def _check_lengths(facts: object, model: type, fields: tuple[str, ...], *, label: str = "") -> None:
    """Text no longer than its column (PostgreSQL refuses more, SQLite would keep it) and NUL-free."""
    for name in fields:
        column = model._meta.get_field(name)  # type: ignore[attr-defined]
        check_text(
            getattr(facts, name) or "", field=name, max_length=column.max_length, label=label
        )
