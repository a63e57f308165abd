"""Forms parse what staff type; the rules are in services.py."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huimin.casework.models import Channel, DocumentKind, EmergencyKind, Program
from huimin.casework.services import HOME_VISIT_ITEMS
from huimin.core.errors import ValidationFailed
from huimin.core.models import User
from huimin.core.money import parse_yuan
from huimin.registry.forms import DateInput, RegistryForm
from huimin.registry.models import Household

FIELD_ALIASES = {"emergency_expense_fen": "emergency_expense_yuan"}


class CaseForm(RegistryForm):
    def show_message(self, field: str | None, message: str) -> bool:
        return super().show_message(FIELD_ALIASES.get(field or "", field), message)


class ApplicationForm(CaseForm):
    program = forms.ChoiceField(label=_("Program"), choices=Program.choices)
    applicant = forms.TypedChoiceField(label=_("Applicant"), coerce=int)
    channel = forms.ChoiceField(
        label=_("Taken"),
        choices=[c for c in Channel.choices if c[0] != Channel.CARRIED_OVER],
    )
    statement = forms.CharField(
        label=_("What the applicant says"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("In the applicant's words: why they apply, what has changed."),
    )
    emergency_kind = forms.ChoiceField(
        label=_("Emergency (temporary assistance only)"),
        choices=EmergencyKind.choices,
        required=False,
    )
    emergency_expense_yuan = forms.CharField(
        label=_("Expense or loss, in yuan (temporary assistance only)"), required=False
    )
    help_first = forms.BooleanField(
        label=_("Help first, verify later (an emergency only)"), required=False
    )
    new_emergency = forms.CharField(
        label=_("The new emergency (temporary assistance only)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Only when the family was already helped for the same cause within the year: "
            "what new emergency it faces."
        ),
    )
    disaster_event = forms.CharField(
        label=_("Disaster and damage (disaster relief only)"), required=False, max_length=200
    )

    def __init__(self, *args: object, household: Household, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        members = household.members.filter(death_date__isnull=True).order_by("id")
        self.fields["applicant"].choices = [(p.pk, p.name) for p in members]  # type: ignore[attr-defined]
        self.fields["applicant"].initial = household.payee_id

    def clean_emergency_expense_yuan(self) -> int:
        text = self.cleaned_data["emergency_expense_yuan"].strip()
        if not text:
            return 0
        try:
            return parse_yuan(text, field="emergency_expense_yuan")
        except ValidationFailed as error:
            raise forms.ValidationError(
                _("Enter an amount in yuan, e.g. 1200 or 1200.50")
            ) from error


class DocumentForm(CaseForm):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))


class AuthorizationForm(CaseForm):
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput())
    signers = forms.TypedMultipleChoiceField(
        label=_("Who signed"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    document = forms.TypedChoiceField(label=_("Scanned authorization"), coerce=int)

    def __init__(self, *args: object, application: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        members = application.household.members.filter(death_date__isnull=True)  # type: ignore[attr-defined]
        self.fields["signers"].choices = [(p.pk, p.name) for p in members]  # type: ignore[attr-defined]
        documents = application.documents.filter(kind=DocumentKind.AUTHORIZATION)  # type: ignore[attr-defined]
        self.fields["document"].choices = [(d.pk, d.file_name) for d in documents]  # type: ignore[attr-defined]
        self.fields["signed_on"].initial = timezone.localdate()


class ReasonForm(CaseForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


ITEM_LABELS = {
    "housing": _("Housing"),
    "income": _("Income and work"),
    "assets": _("Vehicles, savings and property"),
    "members": _("Who lives there"),
    "health": _("Health and disability"),
}


class HomeVisitForm(CaseForm):
    second_staff = forms.TypedChoiceField(label=_("Second visitor"), coerce=int)
    visited_on = forms.DateField(label=_("Visited on"), widget=DateInput())
    family_confirmed = forms.BooleanField(
        label=_("The family read the form and signed it"), required=False
    )
    staff_confirmed = forms.BooleanField(label=_("Both visitors signed the form"), required=False)
    note = forms.CharField(
        label=_("Other remarks"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: object, colleagues: list[User], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["second_staff"].choices = [(u.pk, str(u)) for u in colleagues]  # type: ignore[attr-defined]
        self.fields["visited_on"].initial = timezone.localdate()
        for item in reversed(HOME_VISIT_ITEMS):
            self.fields = {  # the items first, as the form on paper
                f"item_{item}": forms.CharField(
                    label=ITEM_LABELS[item], widget=forms.Textarea(attrs={"rows": 2})
                ),
                **self.fields,
            }

    def items(self) -> dict[str, str]:
        return {item: self.cleaned_data[f"item_{item}"] for item in HOME_VISIT_ITEMS}


class AppraisalForm(CaseForm):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput(), initial=timezone.localdate)
    present = forms.IntegerField(label=_("Members present"), min_value=1)
    in_favour = forms.IntegerField(label=_("In favour"), min_value=0)
    note = forms.CharField(
        label=_("Remarks"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class OpinionForm(CaseForm):
    recommend = forms.TypedChoiceField(
        label=_("The township"),
        choices=[("1", _("recommends approval")), ("0", _("does not recommend approval"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Opinion"), widget=forms.Textarea(attrs={"rows": 3}))


class NoticeForm(CaseForm):
    village = forms.ChoiceField(label=_("Village"))
    starts_on = forms.DateField(label=_("Posted on"), widget=DateInput())

    def __init__(self, *args: object, villages: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = villages  # type: ignore[attr-defined]
        self.fields["starts_on"].initial = timezone.localdate()


class ObjectionForm(CaseForm):
    application = forms.TypedChoiceField(label=_("Application objected to"), coerce=int)
    objector = forms.CharField(label=_("Objector (may stay anonymous)"), required=False)
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    text = forms.CharField(label=_("The objection"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(
        self, *args: object, applications: list[tuple[int, str]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["application"].choices = applications  # type: ignore[attr-defined]
        self.fields["received_on"].initial = timezone.localdate()


class AnswerForm(CaseForm):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(CaseForm):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Reason for refusing, if the rules do not give one"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class AppealForm(CaseForm):
    outcome = forms.CharField(
        label=_("Outcome of the reconsideration or lawsuit"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
