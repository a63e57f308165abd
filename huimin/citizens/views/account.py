"""Signing in with a mobile number and a code; the citizen's own page."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huimin.casework import services as casework_services
from huimin.casework.assessment import letter_text
from huimin.casework.models import Entitlement, Step
from huimin.citizens.access import (
    SESSION_KEY,
    applications_for,
    citizen_required,
    get_application_for,
    notices_for,
    payment_lines_for,
)
from huimin.citizens.forms import ApplyForm, CodeForm, PhoneForm
from huimin.citizens.services import (
    citizen_application_submit,
    citizen_sign_in,
    sign_in_code_send,
)
from huimin.citizens.status import PAYMENT_ROWS, payment_rows, step_words
from huimin.core.documents import pdf_response, render_pdf
from huimin.core.errors import HuiminError

NOTICES_SHOWN = 10


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Step one: the number; a code is sent to it."""
    form = PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sign_in_code_send(phone=form.cleaned_data["phone"], request=request)
        except HuiminError as error:
            form.add_error("phone" if error.field == "phone" else None, error.message)
        else:
            request.session["huimin_citizen_phone"] = form.cleaned_data["phone"]
            return redirect("portal-sign-in-code")
    return render(request, "citizens/sign_in.html", {"form": form})


@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """Step two: the code received."""
    phone = request.session.get("huimin_citizen_phone")
    if not phone:
        return redirect("portal-sign-in")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = citizen_sign_in(phone=phone, code=form.cleaned_data["code"], request=request)
        except HuiminError as error:
            form.add_error("code", error.message)
        else:
            request.session.cycle_key()  # a new session id for the signed-in citizen
            request.session.pop("huimin_citizen_phone", None)
            request.session[SESSION_KEY] = account.pk
            return redirect("portal-me")
    return render(request, "citizens/sign_in_code.html", {"form": form})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()
    messages.success(request, _("You have signed out."))
    return redirect("portal-home")


@citizen_required
def me(request: HttpRequest) -> HttpResponse:
    """The citizen's page: their applications, each step in plain words with its due date; what
    their household receives and the next review; the payments made; the texts sent to them."""
    account = request.citizen  # type: ignore[attr-defined]
    steps = Prefetch("steps", queryset=Step.objects.order_by("position"))
    applications = list(
        applications_for(account)
        .select_related("applicant")
        .prefetch_related(steps)
        .order_by("-created_at", "-pk")
    )
    decided = set(casework_services.current_decision(a) is not None and a.pk for a in applications)
    rows = [(a, step_words(a), a.pk in decided) for a in applications]
    entitlements = (
        Entitlement.objects.filter(household_id=account.household_id).order_by("program")
        if account.household_id
        else Entitlement.objects.none()
    )
    payments = payment_rows(payment_lines_for(account).order_by("-month", "-pk")[:PAYMENT_ROWS])
    context = {
        "account": account,
        "rows": rows,
        "entitlements": entitlements,
        "payments": payments,
        "payments_capped": len(payments) >= PAYMENT_ROWS,
        "notices": list(notices_for(account)[:NOTICES_SHOWN]),
    }
    return render(request, "citizens/me.html", context)


@citizen_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """Apply online: the program, the situation, a document; it goes to the township's worklist."""
    account = request.citizen  # type: ignore[attr-defined]
    form = ApplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data.get("document")
        documents = []
        if upload is not None:
            documents.append((data.get("document_kind") or "other", upload.name, upload.read()))
        try:
            citizen_application_submit(
                account=account,
                program=data["program"],
                statement=data["statement"],
                expense_fen=data.get("expense") or 0,
                documents=documents,
                request=request,
            )
        except HuiminError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request, _("Your application has been sent to the township. It is listed below.")
            )
            return redirect("portal-me")
    return render(request, "citizens/apply.html", {"form": form, "account": account})


@citizen_required
@require_GET
def decision_letter(request: HttpRequest, application_id: int) -> HttpResponse:
    """The decision letter of one of the citizen's own applications, as a PDF to keep."""
    account = request.citizen  # type: ignore[attr-defined]
    application = get_application_for(account, application_id)
    decision = casework_services.current_decision(application)
    if decision is None or not decision.letter_number:
        raise Http404
    lang = "en" if (get_language() or "").startswith("en") else "zh"
    context = {
        "application": application,
        "decision": decision,
        "lang": lang,
        "paragraphs": letter_text(decision, lang).split("\n"),
    }
    pdf = render_pdf("casework/letter.html", context, lang="en" if lang == "en" else "zh-hans")
    return pdf_response(pdf, f"{decision.letter_number}.pdf")
