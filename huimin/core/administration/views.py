"""Pages of the administration: staff accounts (administrators) and one's own password (everyone)."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huimin.core.administration import services
from huimin.core.administration.access import get_user_for, users_administered_by
from huimin.core.administration.forms import (
    OwnPasswordForm,
    RegionPickerForm,
    RolesForm,
    SetPasswordForm,
    UserAddForm,
    township_choices,
)
from huimin.core.errors import HuiminError, ValidationFailed
from huimin.core.http import AuthedRequest
from huimin.core.models import Region
from huimin.core.roles import ROLE_LABELS, roles_of

PAGE_SIZE = 50
MANAGE = ("core.view_user", "core.change_user")


def _lang() -> str:
    return "en" if get_language() == "en" else "zh"


def _form_errors(form, error: HuiminError) -> None:  # type: ignore[no-untyped-def]
    """A service's refusal shown on the form, at its field where the form has one."""
    for field, message in getattr(error, "errors", [(error.field, error.message)]):
        form.add_error(field if field in form.fields else None, message)


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_GET
def user_list(request: AuthedRequest) -> HttpResponse:
    users = users_administered_by(request.user).prefetch_related(
        "groups", Prefetch("jurisdictions", queryset=Region.objects.order_by("code"))
    )
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(
            Q(username__icontains=q) | Q(full_name__icontains=q) | Q(last_name__icontains=q)
        )
    page = Paginator(users.order_by("username"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "user": user,
            "roles": [ROLE_LABELS[g.name] for g in user.groups.all() if g.name in ROLE_LABELS],
            "regions": list(user.jurisdictions.all()),
        }
        for user in page.object_list
    ]
    return render(
        request,
        "core/administration/user_list.html",
        {"page": page, "rows": rows, "q": q, "lang": _lang()},
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def user_new(request: AuthedRequest) -> HttpResponse:
    lang = _lang()
    form = UserAddForm(request.POST or None, admin=request.user, language=lang)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = services.user_add(
                actor=request.user,
                username=form.cleaned_data["username"],
                full_name=form.cleaned_data["full_name"],
                roles=form.cleaned_data["roles"],
                region_codes=[form.chosen()],
            )
        except HuiminError as error:
            _form_errors(form, error)
        else:
            return _user_page(request, user.pk, temporary_password=password, created=True)
    return render(request, "core/administration/user_new.html", {"form": form})


def _user_page(request: AuthedRequest, user_id: int, **extra: object) -> HttpResponse:
    user = get_user_for(request.user, user_id)
    lang = _lang()
    context = {
        "person": user,
        "roles": [ROLE_LABELS[r] for r in roles_of(user)],
        "regions": [(r, r.name_for(lang)) for r in user.jurisdictions.order_by("code")],
        "roles_form": RolesForm(initial={"roles": roles_of(user)}, admin=request.user),
        "picker": RegionPickerForm(admin=request.user, language=lang),
        "password_form": SetPasswordForm(),
        "oneself": user.pk == request.user.pk,
        **extra,
    }
    return render(request, "core/administration/user_detail.html", context)


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_GET
def user_detail(request: AuthedRequest, user_id: int) -> HttpResponse:
    return _user_page(request, user_id)


def _done(request: AuthedRequest, user_id: int, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("administration:user", user_id=user_id)


def _refused(request: AuthedRequest, user_id: int, error: HuiminError) -> HttpResponse:
    messages.error(request, error.message)
    return redirect("administration:user", user_id=user_id)


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def user_disable(request: AuthedRequest, user_id: int) -> HttpResponse:
    get_user_for(request.user, user_id)
    try:
        services.user_disable(actor=request.user, user_id=user_id)
    except HuiminError as error:
        return _refused(request, user_id, error)
    return _done(request, user_id, _("The account is disabled: it can no longer log in."))


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def user_enable(request: AuthedRequest, user_id: int) -> HttpResponse:
    get_user_for(request.user, user_id)
    services.user_enable(actor=request.user, user_id=user_id)
    return _done(request, user_id, _("The account is enabled again."))


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def user_password(request: AuthedRequest, user_id: int) -> HttpResponse:
    get_user_for(request.user, user_id)
    form = SetPasswordForm(request.POST)
    form.is_valid()
    try:
        _user, temporary = services.user_reset_password(
            actor=request.user, user_id=user_id, password=form.cleaned_data.get("password", "")
        )
    except HuiminError as error:
        return _refused(request, user_id, error)
    if temporary:
        return _user_page(request, user_id, temporary_password=temporary)
    return _done(
        request, user_id, _("The password is set; the user must change it at the next login.")
    )


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def user_roles(request: AuthedRequest, user_id: int) -> HttpResponse:
    get_user_for(request.user, user_id)
    form = RolesForm(request.POST, admin=request.user)
    try:
        if not form.is_valid():
            raise ValidationFailed(_("You may not give one of these roles."), field="roles")
        services.user_set_roles(
            actor=request.user, user_id=user_id, roles=form.cleaned_data["roles"]
        )
    except HuiminError as error:
        return _refused(request, user_id, error)
    return _done(request, user_id, _("The roles are saved."))


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_POST
def user_regions(request: AuthedRequest, user_id: int) -> HttpResponse:
    """Add the region chosen in the picker, or remove the ones ticked."""
    user = get_user_for(request.user, user_id)
    codes = set(user.jurisdictions.values_list("code", flat=True))
    picker = RegionPickerForm(request.POST, admin=request.user, language=_lang())
    try:
        if request.POST.get("remove"):
            codes -= set(request.POST.getlist("remove"))
        elif picker.is_valid() and picker.chosen():
            codes.add(picker.chosen())
        else:
            raise ValidationFailed(_("Choose a region from the list."), field="regions")
        services.user_set_jurisdictions(actor=request.user, user_id=user_id, region_codes=codes)
    except HuiminError as error:
        return _refused(request, user_id, error)
    return _done(request, user_id, _("The regions are saved."))


@login_required
@permission_required(MANAGE, raise_exception=True)
@require_GET
def region_options(request: AuthedRequest) -> HttpResponse:
    """The townships of the chosen county, as options of the picker (loaded by htmx)."""
    county = request.GET.get("area", "")
    towns = township_choices(request.user, county, _lang())
    return render(request, "core/administration/_township_options.html", {"towns": towns})


@login_required
@require_http_methods(["GET", "POST"])
def own_password(request: AuthedRequest) -> HttpResponse:
    form = OwnPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_change_own_password(
                user=request.user,
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except HuiminError as error:
            _form_errors(form, error)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password is changed."))
            return redirect("home")
    return render(
        request,
        "core/administration/own_password.html",
        {"form": form, "required": request.user.must_change_password},
    )
