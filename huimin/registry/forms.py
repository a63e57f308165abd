"""Forms parse what people type; the rules themselves are in validation.py and services.py."""

from typing import TYPE_CHECKING, cast

from django import forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from huimin.core.errors import HuiminError, ValidationFailed
from huimin.core.money import parse_yuan
from huimin.core.pii import mask
from huimin.registry.ethnic_groups import EthnicGroup
from huimin.registry.models import (
    AssetKind,
    DisabilityCategory,
    IncomeType,
    NotCountedReason,
    ParentStatus,
    Person,
    Relation,
    ResidenceType,
    Sex,
    SpecialCareCategory,
)
from huimin.registry.queries import SEARCH_LENGTH
from huimin.registry.validation import HouseholdFacts, PersonFacts

StrOrPromise = str | Promise

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

# Service field names that a form shows under another name.
FIELD_ALIASES = {
    "monthly_fen": "monthly_yuan",
    "value_fen": "value_yuan",
    "to_household": "to_household_no",
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)  # type: ignore[arg-type]


class RegistryForm(forms.Form):
    template_name = "registry/_form_fields.html"

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def show_error(self, error: HuiminError) -> bool:
        """Put a service's refusal next to its field; False if this form has no such field."""
        return self.show_message(error.field, error.message)

    def show_message(self, field: str | None, message: str) -> bool:
        name = FIELD_ALIASES.get(field or "", field)
        if name in self.fields:
            self.add_error(name, message)
            return True
        return False


def show_error(error: HuiminError, *forms_: RegistryForm) -> None:
    """Every problem of a refusal at its field (in the first form that has it), the rest above."""
    problems = (
        error.errors if isinstance(error, ValidationFailed) else [(error.field, error.message)]
    )
    for field, message in problems:
        if not any(form.show_message(field, message) for form in forms_):
            forms_[0].add_error(None, message)


def _yuan(form: forms.Form, name: str) -> int:
    try:
        return parse_yuan(form.cleaned_data[name], field=name)
    except ValidationFailed as error:
        raise forms.ValidationError(
            {name: _("enter an amount in yuan, e.g. 1200 or 1200.50")}
        ) from error


def _set_choices(field: forms.Field, choices: list) -> None:
    cast(forms.ChoiceField, field).choices = choices


def _choices(choices: list, blank: str) -> list:
    return [("", blank), *choices]


# A fact that can weigh against the applicant: yes, no or not yet known, and no answer chosen in
# advance (an unknown is stored as null and does not count against the applicant).
ANSWERS = {"yes": True, "no": False, "unknown": None}


def _answer(value: str) -> bool | None:
    return ANSWERS[value]


def answer_of(value: bool | None) -> str:
    return next(key for key, answer in ANSWERS.items() if answer is value)


def _yes_no_unknown(label: "_StrPromise") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[("yes", _("Yes")), ("no", _("No")), ("unknown", _("Not yet known"))],
        coerce=_answer,
        widget=forms.RadioSelect(attrs={"class": "answers"}),
    )


class HouseholdForm(RegistryForm):
    region_code = forms.ChoiceField(label=_("Village"))
    address = forms.CharField(label=_("Address"), max_length=200)
    residence_type = forms.ChoiceField(
        label=_("Registered residence (hukou)"), choices=ResidenceType.choices
    )
    bank_name = forms.CharField(label=_("Bank"), max_length=100, required=False)
    bank_account = forms.CharField(
        label=_("Bank account number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: object, villages: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self.fields["region_code"], _choices(villages, str(_("Choose the village"))))

    def facts(self, keep: HouseholdFacts | None = None) -> HouseholdFacts:
        """The typed facts; on an edit, an empty account or phone keeps the number on record."""
        data = self.cleaned_data
        return HouseholdFacts(
            region_code=data["region_code"],
            address=data["address"],
            residence_type=data["residence_type"],
            bank_name=data["bank_name"],
            bank_account=data["bank_account"] or (keep.bank_account if keep else ""),
            phone=data["phone"] or (keep.phone if keep else ""),
        )


class PersonForm(RegistryForm):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    id_number = forms.CharField(
        label=_("Identity number"),
        max_length=20,
        help_text=_("18 characters, as on the identity card."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    relation = forms.ChoiceField(label=_("Relation to the head"), choices=Relation.choices)
    sex = forms.ChoiceField(
        label=_("Sex"),
        required=False,
        choices=_choices(Sex.choices, str(_("Take it from the identity number"))),
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty to take it from the identity number."),
    )
    ETHNICITY_CHOICES = [("", "—"), *EthnicGroup.choices]
    ethnicity = forms.ChoiceField(
        label=_("Ethnic group"), choices=ETHNICITY_CHOICES, required=False
    )
    disability_category = forms.TypedChoiceField(
        label=_("Disability category"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=_choices(DisabilityCategory.choices, str(_("No disability"))),
    )
    disability_grade = forms.TypedChoiceField(
        label=_("Disability grade"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=_choices([(g, str(g)) for g in range(1, 5)], "—"),
        help_text=_("1 is the most severe."),
    )
    cannot_eat = forms.BooleanField(label=_("Cannot eat unaided"), required=False)
    cannot_dress = forms.BooleanField(label=_("Cannot dress unaided"), required=False)
    cannot_transfer = forms.BooleanField(
        label=_("Cannot get in and out of bed unaided"), required=False
    )
    cannot_toilet = forms.BooleanField(label=_("Cannot use the toilet unaided"), required=False)
    cannot_walk_indoors = forms.BooleanField(label=_("Cannot walk indoors unaided"), required=False)
    cannot_bathe = forms.BooleanField(label=_("Cannot bathe unaided"), required=False)
    serious_illness = forms.BooleanField(label=_("Seriously ill"), required=False)
    able_to_work = _yes_no_unknown(_("Able to work"))
    student = forms.BooleanField(label=_("Full-time student"), required=False)
    special_care_category = forms.ChoiceField(
        label=_("Special care"),
        choices=SpecialCareCategory.choices,
        initial=SpecialCareCategory.NONE,
    )
    special_care_grade = forms.IntegerField(
        label=_("Veteran's disability grade"), required=False, min_value=1, max_value=10
    )
    counted_in_family = forms.BooleanField(
        label=_("Counted in the family for assistance"), required=False, initial=True
    )
    not_counted_reason = forms.ChoiceField(
        label=_("Why not counted"), required=False, choices=NotCountedReason.choices
    )
    father_status = forms.ChoiceField(
        label=_("Father"), choices=ParentStatus.choices, initial=ParentStatus.PRESENT
    )
    mother_status = forms.ChoiceField(
        label=_("Mother"), choices=ParentStatus.choices, initial=ParentStatus.PRESENT
    )
    father_status_since = forms.DateField(
        label=_("Father's situation since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty if it has lasted for years."),
    )
    mother_status_since = forms.DateField(
        label=_("Mother's situation since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty if it has lasted for years."),
    )
    legal_supporter_able = _yes_no_unknown(_("Has a legal supporter able to support"))
    in_institution = forms.BooleanField(label=_("Lives in an institution"), required=False)

    # Asked as yes / no / not yet known.
    ANSWERED = ("able_to_work", "legal_supporter_able")

    SELF_CARE = (
        "cannot_eat", "cannot_dress", "cannot_transfer", "cannot_toilet", "cannot_walk_indoors",
        "cannot_bathe",
    )  # fmt: skip

    def __init__(
        self, *args: object, person: Person | None = None, head: bool = False, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        if head:
            # The first member of a new household is its head.
            del self.fields["relation"]
        if person is not None:
            self.fields["id_number"].required = False
            self.fields["id_number"].help_text = _(
                "Now %(masked)s. Leave empty to keep it; type the whole number to correct it."
            ) % {"masked": person_masked_id(person)}
            self.fields["birth_date"].help_text = ""
            if person.ethnicity and person.ethnicity not in EthnicGroup.values:
                # A value typed before groups were coded is shown, not silently cleared: saving
                # it unchanged is refused by name, so the caseworker picks the group.
                field = cast(forms.ChoiceField, self.fields["ethnicity"])
                field.choices = [*self.ETHNICITY_CHOICES, (person.ethnicity, person.ethnicity)]

    def groups(self) -> list[tuple[StrOrPromise, list]]:
        """Fieldsets for the template: who the person is, disability, situation, parents."""
        names = {
            "who": ["name", "id_number", "relation", "sex", "birth_date", "ethnicity"],
            "disability": ["disability_category", "disability_grade"],
            "self_care": list(self.SELF_CARE),
            "situation": [
                "serious_illness", "able_to_work", "student", "special_care_category",
                "special_care_grade", "counted_in_family", "not_counted_reason", "in_institution",
            ],
            "parents": [
                "father_status", "father_status_since", "mother_status", "mother_status_since",
                "legal_supporter_able",
            ],
        }  # fmt: skip
        titles = {
            "who": _("About the person"),
            "disability": _("Disability"),
            "self_care": _("Self-care: tick each daily activity the person cannot do unaided"),
            "situation": _("Situation"),
            "parents": _("Parents and support"),
        }
        return [
            (titles[key], [self[name] for name in fields if name in self.fields])
            for key, fields in names.items()
        ]

    def facts(self, relation: str | None = None) -> PersonFacts:
        data = self.cleaned_data
        id_number = data["id_number"] or (self.person.id_number if self.person else "")
        return PersonFacts(
            name=data["name"],
            id_number=id_number,
            relation=relation or data["relation"],
            sex=data["sex"],
            birth_date=data["birth_date"],
            ethnicity=data["ethnicity"],
            disability_category=data["disability_category"],
            disability_grade=data["disability_grade"],
            **{name: data[name] for name in self.SELF_CARE},
            serious_illness=data["serious_illness"],
            able_to_work=data["able_to_work"],
            student=data["student"],
            special_care_category=data["special_care_category"],
            special_care_grade=data["special_care_grade"],
            counted_in_family=data["counted_in_family"],
            not_counted_reason=data["not_counted_reason"],
            father_status=data["father_status"],
            mother_status=data["mother_status"],
            father_status_since=data["father_status_since"],
            mother_status_since=data["mother_status_since"],
            legal_supporter_able=data["legal_supporter_able"],
            in_institution=data["in_institution"],
        )

    @staticmethod
    def initial_for(person: Person) -> dict:
        fields = [f for f in PersonFacts.PERSON_FIELDS if f != "id_number"]
        initial = {name: getattr(person, name) for name in fields}
        for name in PersonForm.ANSWERED:
            initial[name] = answer_of(initial[name])
        return initial


def person_masked_id(person: Person) -> str:
    return mask(person.id_number)


class IncomeForm(RegistryForm):
    income_type = forms.ChoiceField(label=_("Kind of income"), choices=IncomeType.choices)
    monthly_yuan = forms.CharField(
        label=_("Amount per month (yuan)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("Farm income: last 12 months' net income divided by 12."),
    )
    valid_from = forms.DateField(label=_("From"), widget=DateInput(), initial=timezone.localdate)
    valid_to = forms.DateField(
        label=_("Until"),
        widget=DateInput(),
        required=False,
        help_text=_("Leave empty while it continues."),
    )
    verified = forms.TypedChoiceField(
        label=_("Source"),
        coerce=lambda v: v == "1",
        initial="0",
        choices=[("0", _("Declared by the family")), ("1", _("Verified"))],
    )
    exclusion_reason = forms.CharField(
        label=_("Exclude from assistance income because"),
        max_length=200,
        required=False,
        help_text=_(
            "Leave empty: the programs' rules decide by the kind of income. Fill in only to "
            "exclude this one record from every program, and say why."
        ),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean(self) -> dict:
        data = super().clean() or {}
        if "monthly_yuan" in data:
            data["monthly_fen"] = _yuan(self, "monthly_yuan")
        return data


# Homes and commercial properties are counted by number; their value is not required.
COUNTED_ASSETS = (AssetKind.HOME, AssetKind.COMMERCIAL_PROPERTY)


class AssetForm(RegistryForm):
    kind = forms.ChoiceField(label=_("Kind of asset"), choices=AssetKind.choices)
    value_yuan = forms.CharField(
        label=_("Value (yuan)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_(
            "Deposits, securities, debts and vehicles: the amount in yuan. A home or a commercial "
            "property is counted as one; its value may be left empty."
        ),
    )
    is_disability_vehicle = forms.BooleanField(label=_("Disability vehicle"), required=False)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    valid_from = forms.DateField(
        label=_("Held since"), widget=DateInput(), initial=timezone.localdate
    )
    valid_to = forms.DateField(
        label=_("Held until"),
        widget=DateInput(),
        required=False,
        help_text=_("Leave empty while the family still holds it."),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("value_yuan"):
            data["value_fen"] = _yuan(self, "value_yuan")
        elif data.get("kind") in COUNTED_ASSETS:
            data["value_fen"] = 0
        elif "value_yuan" in data:
            self.add_error("value_yuan", _("enter an amount in yuan, e.g. 1200 or 1200.50"))
        return data


class EndForm(RegistryForm):
    valid_to = forms.DateField(label=_("Last day"), widget=DateInput(), initial=timezone.localdate)


def _member_choices(members: list[Person], blank: str) -> list:
    return _choices([(str(m.pk), m.name) for m in members], blank)


class TransferForm(RegistryForm):
    to_household_no = forms.CharField(
        label=_("Number of the household they move to"), max_length=20
    )
    relation = forms.ChoiceField(label=_("Relation to the head there"), choices=Relation.choices)
    on_date = forms.DateField(
        label=_("Date of the move"), widget=DateInput(), initial=timezone.localdate
    )
    new_head = forms.ChoiceField(label=_("Who heads the old household now"), required=False)

    def __init__(self, *args: object, others: list[Person], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if others:
            _set_choices(self.fields["new_head"], _member_choices(others, "—"))
        else:
            del self.fields["new_head"]


class DeathForm(RegistryForm):
    death_date = forms.DateField(label=_("Date of death"), widget=DateInput())
    new_head = forms.ChoiceField(label=_("Who heads the household now"), required=False)

    def __init__(self, *args: object, others: list[Person], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if others:
            _set_choices(self.fields["new_head"], _member_choices(others, "—"))
        else:
            del self.fields["new_head"]


class PayeeForm(RegistryForm):
    payee = forms.ChoiceField(label=_("Payee"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: object, members: list[Person], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self.fields["payee"], [(str(m.pk), m.name) for m in members])


class HeadForm(RegistryForm):
    new_head = forms.ChoiceField(label=_("New head of household"))
    old_head_relation = forms.ChoiceField(
        label=_("The former head's relation to the new head"),
        choices=[c for c in Relation.choices if c[0] != Relation.HEAD],
    )

    def __init__(self, *args: object, members: list[Person], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self.fields["new_head"], [(str(m.pk), m.name) for m in members])


class SearchForm(forms.Form):
    """The search box, the place (a township, then one of its villages) and the filters.

    Only the villages of the chosen township are offered: with htmx they are fetched when the
    township changes (`views.search.villages`); without JavaScript, "Show its villages" reloads
    the page with the township chosen. Program and case-status filters will join the member and
    household filters once casework records them.
    """

    q = forms.CharField(
        label=_("Name, identity number or household number"),
        help_text=_(
            "From a masked number, type its visible parts with the name: 5329 1234 张三 "
            "(or choose the village)."
        ),
        max_length=SEARCH_LENGTH,
        required=False,
    )
    township = forms.ChoiceField(label=_("Township or street"), required=False)
    village = forms.ChoiceField(label=_("Village or community"), required=False)
    contains = forms.BooleanField(label=_("Match any part of the name"), required=False)
    age_band = forms.ChoiceField(
        label=_("A member aged"),
        required=False,
        choices=[
            ("", _("any age")),
            ("under_16", _("under 16")),
            ("16_59", _("16 to 59")),
            ("60_79", _("60 to 79")),
            ("80_plus", _("80 or over")),
        ],
    )
    disability = forms.ChoiceField(
        label=_("Disability"),
        required=False,
        choices=[
            ("", _("not a filter")),
            ("any", _("a member with a disability")),
            ("severe", _("a member with a severe disability (grade 1 or 2)")),
        ],
    )
    residence_type = forms.ChoiceField(
        label=_("Household type"),
        required=False,
        choices=[("", _("urban and rural")), *ResidenceType.choices],
    )

    def __init__(
        self,
        *args: object,
        townships: list[tuple[str, str]],
        villages: list[tuple[str, str]],
        **kwargs: object,
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        _set_choices(self.fields["township"], _choices(townships, str(_("Anywhere in my area"))))
        _set_choices(self.fields["village"], _choices(villages, str(_("The whole township"))))

    def region(self) -> str:
        """The place searched: the village if one is chosen, else the township, else anywhere."""
        return self.cleaned_data.get("village") or self.cleaned_data.get("township") or ""
