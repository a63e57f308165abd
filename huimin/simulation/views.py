"""Pages of the simulation: scenarios, their versions and runs, and a run's figures and charts."""

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huimin.core.access import covers, region_codes_of
from huimin.core.errors import ValidationFailed
from huimin.core.http import AuthedRequest
from huimin.core.models import Region
from huimin.simulation import charts
from huimin.simulation.access import get_run_for, get_scenario_for, scenarios_for
from huimin.simulation.export import csv_text, xlsx_bytes
from huimin.simulation.forms import ScenarioForm, initial_from
from huimin.simulation.metrics import suppress_small_cells
from huimin.simulation.models import RunStatus, SimulationRun
from huimin.simulation.services import scenario_create, scenario_revise, simulation_run_start

VIEW = "simulation.view_scenario"
RUN = "simulation.run_simulation"


def _form_failed(form: ScenarioForm, error: ValidationFailed) -> None:
    for _field, message in error.errors:
        form.add_error(None, message)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_http_methods(["GET", "POST"])
def scenario_list(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        if not request.user.has_perm(RUN):
            raise PermissionDenied
        form = ScenarioForm(request.POST)
        if form.is_valid():
            try:
                scenario = scenario_create(actor=request.user, raw=form.raw())
            except ValidationFailed as error:
                _form_failed(form, error)
            else:
                messages.success(request, _("Scenario saved."))
                return redirect("simulation:scenario", scenario.pk)
    else:
        codes = region_codes_of(request.user)
        form = ScenarioForm(
            initial={
                "region": codes[0] if codes else "",
                "poverty_line_yuan": "600.00",
                "min_cell": 10,
                "persons": 100_000,
                "seed": 1,
            }
        )
    scenarios = scenarios_for(request.user).order_by("-created_at", "-id")[:50]
    return render(
        request,
        "simulation/scenario_list.html",
        {"scenarios": scenarios, "form": form, "can_run": request.user.has_perm(RUN)},
    )


@login_required
@permission_required(VIEW, raise_exception=True)
@require_http_methods(["GET", "POST"])
def scenario_detail(request: AuthedRequest, scenario_id: int) -> HttpResponse:
    scenario = get_scenario_for(request.user, scenario_id)
    latest = scenario.latest
    if request.method == "POST":
        if not request.user.has_perm(RUN):
            raise PermissionDenied
        form = ScenarioForm(request.POST)
        if form.is_valid():
            try:
                version = scenario_revise(actor=request.user, scenario=scenario, raw=form.raw())
            except ValidationFailed as error:
                _form_failed(form, error)
            else:
                messages.success(request, _("Version %(n)s saved.") % {"n": version.number})
                return redirect("simulation:scenario", scenario.pk)
    else:
        form = ScenarioForm(initial=initial_from(latest.spec))
    versions = scenario.versions.order_by("-number")
    runs = SimulationRun.objects.filter(version__scenario=scenario).select_related("version")[:20]
    return render(
        request,
        "simulation/scenario_detail.html",
        {
            "scenario": scenario,
            "latest": latest,
            "versions": versions,
            "runs": runs,
            "form": form,
            "can_run": request.user.has_perm(RUN) and covers(request.user, scenario.region_code),
        },
    )


@login_required
@require_POST
def scenario_run(request: AuthedRequest, scenario_id: int) -> HttpResponse:
    scenario = get_scenario_for(request.user, scenario_id)  # out of reach: 404 before 403
    if not request.user.has_perm(RUN) or not covers(request.user, scenario.region_code):
        raise PermissionDenied  # a scenario of a wider region is read here, run there
    run = simulation_run_start(actor=request.user, version=scenario.latest)
    return redirect("simulation:run", run.pk)


def figures_for(request: AuthedRequest, run: SimulationRun) -> dict[str, Any]:
    """The run's figures as this reader may see them: small cells of regions outside their
    jurisdiction suppressed."""
    figures = run.figures
    if not figures:
        return figures
    min_cell = int(run.version.spec.get("metrics", {}).get("min_cell", 10))
    from django.conf import settings

    min_cell = max(min_cell, settings.HUIMIN_SIMULATION_MIN_CELL)
    whole = covers(request.user, run.region_code)
    return suppress_small_cells(
        figures,
        min_cell=min_cell,
        region_visible=lambda code: whole if code is None else covers(request.user, code),
    )


def county_names(codes: Iterable[str]) -> dict[str, str]:
    language = get_language() or "zh-hans"
    return {r.code: r.name_for(language) for r in Region.objects.filter(code__in=set(codes))}


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def run_detail(request: AuthedRequest, run_id: int) -> HttpResponse:
    run = get_run_for(request.user, run_id)
    figures = figures_for(request, run)
    context: dict[str, Any] = {
        "run": run,
        "scenario": run.version.scenario,
        "figures": figures,
        "job_list": [run.job] if run.job else [],
    }
    if figures:
        names = county_names(row["region"] for row in figures["cost"]["by_region"])
        context["chart_data"] = charts.chart_data(figures, names)
        context["tables"] = charts.tables(figures, names)
    if request.headers.get("HX-Request") and run.status in (RunStatus.DONE, RunStatus.FAILED):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    if request.headers.get("HX-Request"):
        return render(request, "simulation/_run_progress.html", context)
    return render(request, "simulation/run_detail.html", context)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_GET
def run_export(request: AuthedRequest, run_id: int, file_format: str) -> HttpResponse:
    run = get_run_for(request.user, run_id)
    figures = figures_for(request, run)
    name = f"simulation-{run.pk}"
    if file_format == "xlsx":
        response = HttpResponse(
            xlsx_bytes(figures),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(csv_text(figures), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_format}"'
    return response
