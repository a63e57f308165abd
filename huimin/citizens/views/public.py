"""The public pages under /portal/: no account, nothing stored."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods

from huimin.citizens.forms import CountyForm, PrecheckForm
from huimin.citizens.guide import APPEAL, BY_SLUG, GUIDES, figures_in_force
from huimin.citizens.precheck import precheck
from huimin.core.errors import HuiminError


def _lang() -> str:
    return "zh" if (get_language() or "zh").startswith("zh") else "en"


def _this_month() -> str:
    return timezone.localdate().strftime("%Y-%m")


@require_GET
def portal_home(request: HttpRequest) -> HttpResponse:
    return render(request, "citizens/home.html", {"guides": GUIDES})


@require_GET
def program_guide(request: HttpRequest) -> HttpResponse:
    guide = BY_SLUG.get(request.GET.get("program", ""))
    if guide is None:
        raise Http404
    form = CountyForm(request.GET if "county" in request.GET else None, lang=_lang())
    figures = None
    if form.is_bound and form.is_valid():
        figures = figures_in_force(
            guide, county=form.cleaned_data["county"], period=_this_month(), lang=_lang()
        )
    context = {"guide": guide, "form": form, "figures": figures, "appeal": APPEAL}
    return render(request, "citizens/guide.html", context)


@require_http_methods(["GET", "POST"])
def precheck_page(request: HttpRequest) -> HttpResponse:
    """The questionnaire, and on POST what each program says for the answers (nothing kept)."""
    lang = _lang()
    form = PrecheckForm(request.POST if request.method == "POST" else None, lang=lang)
    context: dict[str, object] = {"form": form, "guides": BY_SLUG}
    if form.is_bound and form.is_valid():
        period = _this_month()
        try:
            context["outcomes"] = precheck(form.answers(), period, lang)
        except HuiminError as error:
            context["error"] = error.message
        context["county"] = form.cleaned_data["county"]
    return render(request, "citizens/precheck.html", context)
