import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, When
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huimin.core import access
from huimin.core.errors import HuiminError
from huimin.core.http import AuthedRequest
from huimin.core.models import Region
from huimin.core.regions import common_ancestor
from huimin.programs.access import get_proposal_for, proposals_for
from huimin.programs.effect import Effect, parameter_change_effect
from huimin.programs.evaluation import household_excluded_incomes, household_explain
from huimin.programs.forms import ParameterChangeForm, unit_kind, value_initial
from huimin.programs.models import ProposalStatus
from huimin.programs.parameters import live_parameters
from huimin.programs.presentation import program_cards
from huimin.programs.services import (
    parameter_proposal_approve,
    parameter_proposal_create,
    parameter_proposal_reject,
)
from huimin.programs.standards import in_force, parameter_choices, region_names
from huimin.registry.access import get_household_for
from huimin.rules.wording import parameter_value_words, parameter_words, shapes_amounts


@login_required
@permission_required("registry.view_household", raise_exception=True)
@require_GET
def household_eligibility(request: AuthedRequest, household_id: int) -> HttpResponse:
    """What every program decides for this household in a month, and why."""
    household = get_household_for(request.user, household_id)
    period = request.GET.get("period") or timezone.localdate().strftime("%Y-%m")
    context: dict[str, object] = {"household": household, "period": period}
    try:
        explanation = household_explain(household=household, period=period)
    except HuiminError as error:
        context["error"] = error.message
    else:
        names = dict(household.members.values_list("id", "name"))
        context["cards"] = program_cards(
            explanation, names, chinese=get_language().startswith("zh")
        )
        context["conflicts"] = explanation.conflicts
        context["excluded_incomes"] = household_excluded_incomes(household=household, period=period)
    return render(request, "programs/household_eligibility.html", context)


# --- Local standards: the administrator proposes, a second person approves. ---

PAGE_SIZE = 50
STANDARDS = ("programs.propose_parameter", "programs.approve_parameter")


def _lang() -> str:
    return "en" if get_language() == "en" else "zh"


def _may_see_standards(user: object) -> bool:
    return any(user.has_perm(p) for p in STANDARDS)  # type: ignore[attr-defined]


def _region_choices(request: AuthedRequest) -> list[tuple[str, str]]:
    from huimin.core.administration.forms import area_choices

    return [c for c in area_choices(request.user, _lang()) if c[0]]


def _home_region(request: AuthedRequest) -> str:
    codes = access.region_codes_of(request.user)
    return common_ancestor(codes) or (codes[0] if codes else "")


@login_required
@require_GET
def parameter_list(request: AuthedRequest) -> HttpResponse:
    """The proposals of the user's regions, waiting ones first, and every standard in force."""
    if not _may_see_standards(request.user):
        raise PermissionDenied
    lang = _lang()
    proposals = (
        proposals_for(request.user)
        .select_related("proposed_by", "decided_by")
        .order_by(
            Case(When(status=ProposalStatus.PROPOSED, then=0), default=1), "-proposed_at", "-id"
        )[:PAGE_SIZE]
    )
    region = _home_region(request)
    today = timezone.localdate()
    names, parameters = region_names(region, lang), live_parameters()
    standards = [
        s
        for s in (in_force(n, region, today, lang, names, parameters) for n in parameters.names())
        # the figures an office sets, not the rules' methods or lists
        if s and shapes_amounts(s.unit) and not isinstance(s.value, list | dict)
    ]
    return render(
        request,
        "programs/parameter_list.html",
        {
            "proposals": [(p, parameter_words(p.name, lang)) for p in proposals],
            "standards": standards,
            "region": names.get(region, region),
            "region_code": region,
            "may_propose": request.user.has_perm("programs.propose_parameter"),
        },
    )


@login_required
@permission_required("programs.propose_parameter", raise_exception=True)
@require_http_methods(["GET", "POST"])
def parameter_change(request: AuthedRequest) -> HttpResponse:
    """Choose a parameter and region, see the value in force, type the new one, see its effect
    (preview), then propose it for a second person's approval."""
    lang = _lang()
    data = request.POST if request.method == "POST" else request.GET
    names = parameter_choices(lang)
    regions = _region_choices(request)
    name = data.get("name") or (names[0][0] if names else "")
    if name not in dict(names):
        name = names[0][0]
    region = data.get("region", "")
    if region not in dict(regions):
        region = regions[0][0] if regions else ""
    start_text = data.get("start", "")
    try:
        start = dt.date.fromisoformat(start_text) if start_text else timezone.localdate()
    except ValueError:
        start = timezone.localdate()
    current = in_force(name, region, start, lang) if region else None
    kind = unit_kind(current.unit, current.value) if current else "table"
    form_kwargs = {
        "names": names,
        "regions": regions,
        "kind": kind,
        "unit_words": current.unit_words if current else "",
    }
    context: dict[str, object] = {"current": current, "start_iso": start.isoformat()}
    if request.method == "POST":
        form = ParameterChangeForm(request.POST, **form_kwargs)  # type: ignore[arg-type]
        if form.is_valid():
            clean = form.cleaned_data
            period = clean["start"].strftime("%Y-%m")
            try:
                if request.POST.get("action") == "propose":
                    proposal = parameter_proposal_create(
                        actor=request.user,
                        name=clean["name"],
                        region=clean["region"],
                        start=clean["start"],
                        value=clean["value"],
                        source=clean["source"],
                        note=clean["note"],
                        effect_period=period,
                    )
                    messages.success(
                        request,
                        _("Proposed. The value takes effect once a second person approves it."),
                    )
                    return redirect("programs:parameter-proposal", proposal_id=proposal.pk)
                context["effect"] = _preview(request, clean, period)
                context["value_words"] = parameter_value_words(
                    clean["value"], current.unit if current else "", lang
                )
            except HuiminError as error:
                for field, message in getattr(error, "errors", [(error.field, error.message)]):
                    form.add_error(field if field in form.fields else None, message)
    else:
        initial = {"name": name, "region": region, "start": start}
        if current:
            initial["value"] = value_initial(kind, current.value)
        form = ParameterChangeForm(initial=initial, **form_kwargs)  # type: ignore[arg-type]
    context["form"] = form
    return render(request, "programs/parameter_change.html", context)


def _preview(request: AuthedRequest, clean: dict, period: str) -> Effect:
    from huimin.registry.models import Household

    record = {
        "name": clean["name"],
        "region": clean["region"],
        "start": clean["start"],
        "value": clean["value"],
        "source": clean["source"] or "preview",
    }
    households = access.scope(
        Household.objects.filter(region_code__startswith=clean["region"]), request.user
    )
    return parameter_change_effect(households=households, record=record, period=period)


@login_required
@require_GET
def parameter_proposal(request: AuthedRequest, proposal_id: int) -> HttpResponse:
    if not _may_see_standards(request.user):
        raise PermissionDenied
    proposal = get_proposal_for(request.user, proposal_id)
    lang = _lang()
    region = Region.objects.filter(code=proposal.region).first()
    context = {
        "proposal": proposal,
        "words": parameter_words(proposal.name, lang),
        "value_words": parameter_value_words(proposal.value, proposal.unit, lang),
        "region_name": region.name_for(lang) if region else proposal.region,
        "effect": Effect.from_json(proposal.effect) if proposal.effect else None,
        "current": in_force(proposal.name, proposal.region, proposal.start, lang),
        "may_decide": (
            request.user.has_perm("programs.approve_parameter")
            and proposal.status == ProposalStatus.PROPOSED
            and proposal.proposed_by_id != request.user.pk
        ),
    }
    return render(request, "programs/parameter_proposal.html", context)


@login_required
@permission_required("programs.approve_parameter", raise_exception=True)
@require_POST
def parameter_proposal_decide(request: AuthedRequest, proposal_id: int) -> HttpResponse:
    get_proposal_for(request.user, proposal_id)
    try:
        if request.POST.get("decision") == "approve":
            parameter_proposal_approve(actor=request.user, proposal_id=proposal_id)
            messages.success(request, _("Approved: the value is in force from its start date."))
        else:
            parameter_proposal_reject(
                actor=request.user,
                proposal_id=proposal_id,
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, _("Rejected; the proposer sees the reason."))
    except HuiminError as error:
        messages.error(request, error.message)
    return redirect("programs:parameter-proposal", proposal_id=proposal_id)
