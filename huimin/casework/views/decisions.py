"""The approver's page, the decision letter (HTML and PDF) and an entitlement."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huimin.casework import services
from huimin.casework.access import get_application_for, get_entitlement_for, get_review_for
from huimin.casework.assessment import application_explain, letter_text
from huimin.casework.forms import DecisionForm
from huimin.casework.models import StepKind, StepStatus
from huimin.casework.views._common import GET_POST, refused, user_of
from huimin.core.documents import pdf_response, render_pdf
from huimin.core.errors import HuiminError


@login_required
@permission_required("casework.view_application", raise_exception=True)
@require_http_methods(GET_POST)
def decision(request: HttpRequest, application_id: int) -> HttpResponse:
    """What the rules find on the facts as verified, what each step found, and the decision."""
    application = get_application_for(request.user, application_id)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    deciding = application.steps.filter(kind=StepKind.DECISION, status=StepStatus.OPEN).exists()
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["outcome"] == "approve":
                services.decision_approve(
                    actor=user_of(request), application=application, request=request
                )
            else:
                services.decision_refuse(
                    actor=user_of(request),
                    application=application,
                    note=form.cleaned_data["note"],
                    request=request,
                )
        except HuiminError as error:
            refused(request, error, form)
        else:
            messages.success(request, _("The decision is recorded; hand over the letter."))
            return redirect("casework:application", application_id=application.pk)
    context: dict[str, object] = {
        "application": application,
        "form": form,
        "deciding": deciding,
        "preparer": user_of(request).pk in services.preparers_of(application),
        "may_decide": request.user.has_perm("casework.decide_application"),
        "steps": list(
            application.steps.filter(status=StepStatus.DONE).select_related(
                "done_by", "second_staff"
            )
        ),
    }
    try:
        context["entry"] = application_explain(application=application, on=timezone.localdate())
    except HuiminError as error:
        context["error"] = error.message
    status = 400 if request.method == "POST" else 200
    return render(request, "casework/decision.html", context, status=status)


def _letter_lang(request: HttpRequest) -> str:
    lang = request.GET.get("lang", "")
    if lang in ("zh", "en"):
        return lang
    return "en" if (get_language() or "").startswith("en") else "zh"


@login_required
@permission_required("casework.view_application", raise_exception=True)
@require_GET
def letter(request: HttpRequest, application_id: int) -> HttpResponse:
    application = get_application_for(request.user, application_id)
    decision = services.current_decision(application)
    if decision is None:
        raise Http404
    lang = _letter_lang(request)
    context = {
        "application": application,
        "decision": decision,
        "lang": lang,
        "paragraphs": letter_text(decision, lang).split("\n"),
    }
    if request.GET.get("format") == "pdf":
        pdf = render_pdf("casework/letter.html", context, lang="en" if lang == "en" else "zh-hans")
        return pdf_response(pdf, f"{decision.letter_number}.pdf")
    return render(request, "casework/letter.html", context)


@login_required
@permission_required("casework.view_entitlement", raise_exception=True)
@require_GET
def entitlement(request: HttpRequest, entitlement_id: int) -> HttpResponse:
    found = get_entitlement_for(request.user, entitlement_id)
    context = {
        "entitlement": found,
        "reviews": list(found.reviews.select_related("proposed_by", "decided_by")),
        "running": found.status in services.RUNNING,
    }
    return render(request, "casework/entitlement.html", context)


@login_required
@permission_required("casework.view_entitlement", raise_exception=True)
@require_POST
def review_start(request: HttpRequest, entitlement_id: int) -> HttpResponse:
    """Re-run the rules on current data: the proposal waits for an approver."""
    found = get_entitlement_for(request.user, entitlement_id)
    try:
        services.review_propose(actor=user_of(request), entitlement=found, request=request)
    except HuiminError as error:
        refused(request, error)
    else:
        messages.success(request, _("The review is proposed; an approver decides it."))
    return redirect("casework:entitlement", entitlement_id=found.pk)


@login_required
@permission_required("casework.view_entitlement", raise_exception=True)
@require_POST
def review_decide(request: HttpRequest, review_id: int) -> HttpResponse:
    review = get_review_for(request.user, review_id)
    try:
        services.review_decide(
            actor=user_of(request),
            review=review,
            accept=request.POST.get("accept") == "1",
            note=request.POST.get("note", ""),
            request=request,
        )
    except HuiminError as error:
        refused(request, error)
    else:
        messages.success(request, _("The review is decided."))
    return redirect("casework:entitlement", entitlement_id=review.entitlement_id)
