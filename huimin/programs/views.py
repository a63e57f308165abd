from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from huimin.core.errors import HuiminError
from huimin.core.http import AuthedRequest
from huimin.programs.evaluation import household_excluded_incomes, household_explain
from huimin.programs.presentation import program_cards
from huimin.registry.access import get_household_for


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
