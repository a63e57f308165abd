"""What the casework pages share: the signed-in user, staff to choose from, errors on forms."""

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import get_language

from huimin.core.errors import HuiminError
from huimin.core.models import User
from huimin.registry.forms import RegistryForm, show_error

GET_POST = ["GET", "POST"]


def user_of(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def english() -> bool:
    return (get_language() or "").startswith("en")


def staff_covering(region_code: str, permission: str) -> QuerySet[User]:
    """Active users with the permission whose jurisdiction includes the region."""
    app_label, codename = permission.split(".")
    prefixes = [region_code[:n] for n in (2, 4, 6, 9, 12) if n <= len(region_code)]
    with_permission = Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    )
    return (
        User.objects.filter(with_permission, is_active=True, jurisdictions__code__in=prefixes)
        .distinct()
        .order_by("username")
    )


def refused(request: HttpRequest, error: HuiminError, form: RegistryForm | None = None) -> None:
    """A service's refusal: at its field when the form has one, else as a message."""
    if form is not None:
        show_error(error, form)
    else:
        messages.error(request, error.message)
