from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from huimin.citizens.models import RequestChannel, RequestKind
from huimin.citizens.precheck import MAX_MEMBERS, Answers, Disaster, Member
from huimin.core.errors import ValidationFailed
from huimin.core.models import Region
from huimin.core.money import parse_yuan

DISABILITY_CATEGORIES = [
    ("", _("No disability certificate")),
    ("1", _("Visual")),
    ("2", _("Hearing")),
    ("3", _("Speech")),
    ("4", _("Physical")),
    ("5", _("Intellectual")),
    ("6", _("Mental")),
    ("7", _("Multiple")),
]
GRADES = [("", "—"), ("1", "1"), ("2", "2"), ("3", "3"), ("4", "4")]
PARENT_CHOICES = [
    ("", _("An adult, or a child whose parents look after them")),
    ("both_dead", _("A child whose parents have both died")),
    (
        "one_dead_other_unable",
        _("A child with one parent dead and the other unable to look after them"),
    ),
    ("both_unable", _("A child neither of whose parents can look after them")),
]

SPECIAL_CARE_CHOICES = [
    ("", _("None of these")),
    ("disabled_veteran", _("A disabled veteran (with a disability grade)")),
    ("martyr_family", _("Family of a martyr (烈士)")),
    ("died_on_duty_family", _("Family of a serviceman who died on duty")),
    ("veteran_in_difficulty", _("A veteran who has difficulty making a living")),
]
VETERAN_GRADES = [("", "—")] + [(str(g), str(g)) for g in range(1, 11)]


def county_choices(lang: str) -> list[tuple[str, str]]:
    counties = Region.objects.filter(level="county").order_by("code")
    return [(c.code, c.name_for(lang)) for c in counties]


class YuanField(forms.CharField):
    """An amount in yuan typed by a person, kept as fen; empty means nothing."""

    def to_python(self, value: Any) -> int:  # type: ignore[override]
        text = str(value or "").strip()
        if not text:
            return 0
        try:
            fen = parse_yuan(text)
        except ValidationFailed as error:
            raise forms.ValidationError(error.message) from error
        if fen < 0:
            raise forms.ValidationError(_("An amount cannot be below zero."))
        return fen


class CountyForm(forms.Form):
    county = forms.ChoiceField(label=_("Your county"))

    def __init__(self, *args: Any, lang: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = county_choices(lang)  # type: ignore[attr-defined]


def township_choices_by_county(lang: str) -> list[tuple[str, Any]]:
    """Every township and street, grouped under its county (one select, no script needed)."""
    counties = {c.code: c.name_for(lang) for c in Region.objects.filter(level="county")}
    grouped: dict[str, list[tuple[str, str]]] = {}
    for town in Region.objects.filter(level="township").order_by("code"):
        grouped.setdefault(town.code[:6], []).append((town.code, town.name_for(lang)))
    return [("", _("I do not know; use the county's figures"))] + [
        (counties.get(county, county), towns) for county, towns in sorted(grouped.items())
    ]


class PrecheckForm(CountyForm):
    township = forms.ChoiceField(
        label=_("Your township or street"),
        required=False,
        help_text=_("A township may set its own standard; without it, the county's is used."),
    )
    residence_type = forms.ChoiceField(
        label=_("Your household register (户口) is"),
        choices=[("urban", _("Urban (town)")), ("rural", _("Rural (village)"))],
        widget=forms.RadioSelect,
    )
    income = YuanField(
        label=_("Other money coming in each month, all of you together (yuan)"),
        required=False,
        help_text=_(
            "Money from relatives who do not live with you, rent, interest, a retirement "
            "pension. What each person earns is asked above. Not payments for veterans or "
            "other assistance."
        ),
    )
    savings = YuanField(label=_("Savings and shares, all of you together (yuan)"), required=False)
    vehicle = YuanField(
        label=_("Value of your car, if you have one (yuan)"),
        required=False,
        help_text=_("Not a vehicle for a disabled person."),
    )
    homes = forms.IntegerField(label=_("Homes you own"), min_value=0, max_value=20, initial=1)
    shops = forms.IntegerField(
        label=_("Shops or other business property you own"), min_value=0, max_value=20, initial=0
    )
    expense = YuanField(
        label=_("A large expense this month you cannot pay (illness, accident, fire), yuan"),
        required=False,
    )
    disaster_deaths = forms.IntegerField(
        label=_("People of your household who died in a natural disaster"),
        min_value=0,
        max_value=MAX_MEMBERS,
        required=False,
    )
    disaster_home_destroyed = forms.BooleanField(
        label=_("A disaster destroyed your home, or damaged it so it must be rebuilt"),
        required=False,
    )
    disaster_days_away = forms.IntegerField(
        label=_("Days you have had to live away from home because of it (temporary shelter)"),
        min_value=0,
        max_value=366,
        required=False,
    )
    disaster_winter_need = forms.IntegerField(
        label=_("People of your household short of food or warmth this winter and spring"),
        min_value=0,
        max_value=MAX_MEMBERS,
        required=False,
        help_text=_("Because a disaster took the harvest, the home or the livelihood."),
    )

    def __init__(self, *args: Any, lang: str, **kwargs: Any) -> None:
        super().__init__(*args, lang=lang, **kwargs)
        self.fields["township"].choices = township_choices_by_county(lang)  # type: ignore[attr-defined]
        for n in range(1, MAX_MEMBERS + 1):
            self.fields[f"m{n}_age"] = forms.IntegerField(
                label=_("Age"), min_value=0, max_value=120, required=n == 1
            )
            self.fields[f"m{n}_earnings"] = YuanField(
                label=_("Earns a month: wages, farming, business (yuan)"), required=False
            )
            self.fields[f"m{n}_pension"] = YuanField(
                label=_("Residents' basic old-age pension a month (yuan)"), required=False
            )
            self.fields[f"m{n}_disability"] = forms.ChoiceField(
                label=_("Disability certificate"), choices=DISABILITY_CATEGORIES, required=False
            )
            self.fields[f"m{n}_grade"] = forms.ChoiceField(
                label=_("Grade"), choices=GRADES, required=False
            )
            self.fields[f"m{n}_parents"] = forms.ChoiceField(
                label=_("A child's parents"),
                choices=PARENT_CHOICES,
                required=False,
                help_text=_(
                    "Unable: severely disabled, seriously ill, in prison or detention, or missing."
                ),
            )
            self.fields[f"m{n}_ill"] = forms.BooleanField(label=_("Seriously ill"), required=False)
            self.fields[f"m{n}_student"] = forms.BooleanField(
                label=_("Full-time student"), required=False
            )
            self.fields[f"m{n}_cannot_work"] = forms.BooleanField(
                label=_("Cannot work"), required=False
            )
            self.fields[f"m{n}_no_supporter"] = forms.BooleanField(
                label=_("Nobody can support them (no spouse, child or parent able to)"),
                required=False,
            )
            self.fields[f"m{n}_special_care"] = forms.ChoiceField(
                label=_("Military service: this person is"),
                choices=SPECIAL_CARE_CHOICES,
                required=False,
            )
            self.fields[f"m{n}_veteran_grade"] = forms.ChoiceField(
                label=_("Disabled veteran's grade (1 is the most severe)"),
                choices=VETERAN_GRADES,
                required=False,
            )

    def member_rows(self) -> list[dict[str, Any]]:
        """The fields of each member, for the template."""
        names = (
            "age",
            "earnings",
            "pension",
            "disability",
            "grade",
            "ill",
            "student",
            "cannot_work",
            "no_supporter",
            "parents",
            "special_care",
            "veteran_grade",
        )
        return [
            {"n": n, **{name: self[f"m{n}_{name}"] for name in names}}
            for n in range(1, MAX_MEMBERS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(1, MAX_MEMBERS + 1):
            category, grade = data.get(f"m{n}_disability"), data.get(f"m{n}_grade")
            if bool(category) != bool(grade):
                self.add_error(
                    f"m{n}_grade", _("Give both the kind of disability and its grade, or neither.")
                )
            if data.get(f"m{n}_veteran_grade") and data.get(f"m{n}_special_care") != (
                "disabled_veteran"
            ):
                self.add_error(
                    f"m{n}_veteran_grade", _("A veteran's grade is only for a disabled veteran.")
                )
            money = data.get(f"m{n}_earnings") or data.get(f"m{n}_pension")
            if money and data.get(f"m{n}_age") is None:
                self.add_error(f"m{n}_age", _("Give the age of the person whose money this is."))
            elif data.get(f"m{n}_special_care") and data.get(f"m{n}_age") is None:
                self.add_error(f"m{n}_age", _("Give the age of the person who served."))
        township, county = data.get("township"), data.get("county")
        if township and county and not township.startswith(county):
            self.add_error("township", _("This township is not in the county you chose."))
        return data

    def answers(self) -> Answers:
        data = self.cleaned_data
        members = []
        for n in range(1, MAX_MEMBERS + 1):
            age = data.get(f"m{n}_age")
            if age is None:
                continue
            category, grade = data.get(f"m{n}_disability"), data.get(f"m{n}_grade")
            members.append(
                Member(
                    age=age,
                    disability_category=int(category) if category else None,
                    disability_grade=int(grade) if grade else None,
                    serious_illness=bool(data.get(f"m{n}_ill")),
                    student=bool(data.get(f"m{n}_student")),
                    able_to_work=not data.get(f"m{n}_cannot_work"),
                    has_supporter=not data.get(f"m{n}_no_supporter"),
                    earnings_fen=data.get(f"m{n}_earnings") or 0,
                    basic_pension_fen=data.get(f"m{n}_pension") or 0,
                    parents=data.get(f"m{n}_parents") or "",
                    special_care=data.get(f"m{n}_special_care") or "",
                    special_care_grade=_grade(data.get(f"m{n}_veteran_grade")),
                )
            )
        return Answers(
            county=data["county"],
            township=data.get("township") or "",
            residence_type=data["residence_type"],
            members=tuple(members),
            income_fen=data.get("income") or 0,
            financial_assets_fen=data.get("savings") or 0,
            vehicle_value_fen=data.get("vehicle") or 0,
            home_count=data["homes"],
            commercial_property_count=data["shops"],
            emergency_expense_fen=data.get("expense") or 0,
            disaster=Disaster(
                deaths=data.get("disaster_deaths") or 0,
                home_destroyed=bool(data.get("disaster_home_destroyed")),
                days_away_from_home=data.get("disaster_days_away") or 0,
                persons_in_need_winter=data.get("disaster_winter_need") or 0,
            ),
        )


def _grade(choice: str | None) -> int | None:
    return int(choice) if choice else None


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Your mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "type": "tel"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("The 6-digit code we sent you"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class LinkForm(forms.Form):
    phone = forms.CharField(label=_("The resident's mobile number"), max_length=20)
    id_number = forms.CharField(
        label=_("Identity number, typed from the identity card you have seen"), max_length=18
    )


class ApplyForm(forms.Form):
    program = forms.ChoiceField(
        label=_("The help you apply for"),
        choices=[
            ("dibao", _("Minimum living allowance")),
            ("tekun", _("Support for the extremely poor")),
            ("temporary", _("Temporary assistance")),
        ],
        widget=forms.RadioSelect,
    )
    statement = forms.CharField(
        label=_("Why you apply: your situation in a few words"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    expense = YuanField(
        label=_("For temporary assistance: the expense you cannot pay (yuan)"), required=False
    )
    document = forms.FileField(
        label=_("A document (photo or PDF, at most 10 MB): income proof, medical bill…"),
        required=False,
    )
    document_kind = forms.ChoiceField(
        label=_("What the document is"),
        choices=[
            ("income", _("Proof of income")),
            ("medical", _("Medical bill")),
            ("identity", _("Identity document")),
            ("other", _("Other")),
        ],
        required=False,
    )


def township_choices(lang: str) -> list[tuple[str, str]]:
    towns = Region.objects.filter(level="township").select_related("parent").order_by("code")
    return [
        (t.code, f"{t.parent.name_for(lang) if t.parent else ''} {t.name_for(lang)}") for t in towns
    ]


class RequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What it is"),
        # a payment follow-up is opened by a post-payment check, not filed
        choices=[c for c in RequestKind.choices if c[0] != RequestKind.PAYMENT],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Tell us what it is about"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    township = forms.ChoiceField(label=_("The township or street it concerns"))
    concerns_caseworker = forms.BooleanField(
        label=_("It is about the township's caseworker (the county then handles it)"),
        required=False,
    )
    anonymous = forms.BooleanField(
        label=_("Report anonymously: nothing about you is kept, and you get no answer"),
        required=False,
    )
    contact_phone = forms.CharField(
        label=_("Mobile number for the answer (optional)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "type": "tel"}),
    )

    def __init__(self, *args: Any, lang: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["township"].choices = township_choices(lang)  # type: ignore[attr-defined]


class StaffRequestForm(RequestForm):
    channel = forms.ChoiceField(
        label=_("How it came in"),
        choices=[
            c
            for c in RequestChannel.choices
            if c[0] not in (RequestChannel.ONLINE, RequestChannel.CHECK)
        ],
    )


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Answer or note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    close = forms.BooleanField(
        label=_("This answers it: close the request and tell the resident"), required=False
    )


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How well was it handled? (5 is best)"),
        choices=[(str(n), str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("A comment (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
