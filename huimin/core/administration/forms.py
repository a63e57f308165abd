from django import forms
from django.utils.translation import gettext_lazy as _

from huimin.core.administration.access import regions_administered_by
from huimin.core.models import Region, User
from huimin.core.roles import ROLE_LABELS, roles_administered_by

# The first choice of the region picker stops at counties; townships load for the chosen county.
AREA_LEVELS = ("province", "prefecture", "county")
FULL_WIDTH_SPACE = "\u3000"
INDENT = {"province": 0, "prefecture": 1, "county": 2, "township": 3, "village": 4}


def region_label(region: Region, language: str) -> str:
    return (
        f"{FULL_WIDTH_SPACE * INDENT.get(region.level, 0)}{region.name_for(language)} {region.code}"
    )


def area_choices(admin: User, language: str) -> list[tuple[str, str]]:
    areas = regions_administered_by(admin).filter(level__in=AREA_LEVELS).order_by("code")
    return [("", "—")] + [(r.code, region_label(r, language)) for r in areas]


def township_choices(admin: User, county: str, language: str) -> list[tuple[str, str]]:
    if not county:
        return []
    towns = regions_administered_by(admin).filter(parent__code=county, level="township")
    return [(r.code, region_label(r, language)) for r in towns.order_by("code")]


class RegionPickerForm(forms.Form):
    """A county (or a region above) and, optionally, one of its townships."""

    area = forms.ChoiceField(label=_("County, prefecture or province"), required=False)
    township = forms.ChoiceField(label=_("Township (optional)"), required=False)

    def __init__(self, *args: object, admin: User, language: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["area"].choices = area_choices(admin, language)  # type: ignore[attr-defined]
        county = self.data.get("area", "") if self.is_bound else ""
        self.fields["township"].choices = [  # type: ignore[attr-defined]
            ("", _("— the whole area —")),
            *township_choices(admin, str(county), language),
        ]

    def chosen(self) -> str:
        data = self.cleaned_data
        return str(data.get("township") or data.get("area") or "")


def role_choices(admin: User) -> list[tuple[str, str]]:
    return [(r, str(ROLE_LABELS[r])) for r in roles_administered_by(admin)]


class UserAddForm(RegionPickerForm):
    username = forms.CharField(label=_("User name"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    roles = forms.MultipleChoiceField(
        label=_("Roles"), widget=forms.CheckboxSelectMultiple, required=False
    )
    field_order = ["full_name", "username", "roles", "area", "township"]

    def __init__(self, *args: object, admin: User, language: str, **kwargs: object) -> None:
        super().__init__(*args, admin=admin, language=language, **kwargs)
        self.fields["roles"].choices = role_choices(admin)  # type: ignore[attr-defined]
        self.fields["area"].required = True


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: object, admin: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["roles"].choices = role_choices(admin)  # type: ignore[attr-defined]


class SetPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("New password (leave empty for a temporary one)"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class OwnPasswordForm(forms.Form):
    current_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        help_text=_("At least 12 characters; not a common password, nor your name."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_again = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", _("The two new passwords differ."))
        return data
