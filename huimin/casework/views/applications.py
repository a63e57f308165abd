"""An application: start it from the household, follow its steps, do the step that is open."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huimin.casework import procedure, services
from huimin.casework.access import get_application_for, get_document_for, get_finding_for
from huimin.casework.forms import (
    AppealForm,
    ApplicationForm,
    AppraisalForm,
    AuthorizationForm,
    DocumentForm,
    HomeVisitForm,
    OpinionForm,
    ReasonForm,
)
from huimin.casework.models import (
    Application,
    ApplicationStatus,
    Finding,
    FindingStatus,
    StepKind,
    StepStatus,
)
from huimin.casework.verification import adapters, sources_not_connected
from huimin.casework.views._common import GET_POST, refused, staff_covering, user_of
from huimin.core.errors import HuiminError, NotAllowed
from huimin.core.money import parse_yuan
from huimin.registry.access import get_household_for
from huimin.registry.forms import RegistryForm


@login_required
@permission_required("casework.take_application", raise_exception=True)
@require_http_methods(GET_POST)
def application_start(request: HttpRequest, household_id: int) -> HttpResponse:
    household = get_household_for(request.user, household_id)
    form = ApplicationForm(request.POST if request.method == "POST" else None, household=household)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = services.application_create(
                actor=user_of(request),
                household=household,
                applicant=household.members.get(pk=data["applicant"]),
                program=data["program"],
                channel=data["channel"],
                statement=data["statement"],
                help_first=data["help_first"],
                emergency_kind=data["emergency_kind"] or "none",
                emergency_expense_fen=data["emergency_expense_yuan"],
                disaster_event=data["disaster_event"],
                new_emergency=data["new_emergency"],
                request=request,
            )
        except HuiminError as error:
            refused(request, error, form)
        else:
            messages.success(request, _("The application is taken."))
            return redirect("casework:application", application_id=application.pk)
    return render(
        request, "casework/application_start.html", {"form": form, "household": household}
    )


def _step_form(request: HttpRequest, application: Application, kind: str) -> RegistryForm | None:
    """The form of the open step, bound to the POST when there is one; None for a button."""
    data = request.POST if request.method == "POST" else None
    if kind == StepKind.HOME_VISIT:
        colleagues = staff_covering(application.region_code, "casework.prepare_application")
        return HomeVisitForm(data, colleagues=list(colleagues.exclude(pk=user_of(request).pk)))
    if kind == StepKind.APPRAISAL:
        return AppraisalForm(data)
    if kind == StepKind.TOWNSHIP_OPINION:
        return OpinionForm(data)
    return None


def _context(request: HttpRequest, application: Application, **extra: Any) -> dict[str, Any]:
    steps = list(application.steps.select_related("done_by", "second_staff"))
    current = next((s for s in steps if s.status == StepStatus.OPEN), None)
    live = application.status != ApplicationStatus.WITHDRAWN
    verification = next(
        (s for s in steps if s.kind == StepKind.VERIFICATION and s.status != StepStatus.CANCELLED),
        None,
    )
    findings = (
        list(Finding.objects.filter(step=verification).order_by("id")) if verification else []
    )
    may = False
    if current is not None:
        may = request.user.has_perm(procedure.spec_of(current.kind, application.program).permission)
    context: dict[str, Any] = {
        "application": application,
        "steps": steps,
        "current": current,
        "may_do_step": may and application.status != ApplicationStatus.SUSPENDED,
        "documents": list(application.documents.all()),
        "authorizations": list(application.authorizations.prefetch_related("signers")),
        "findings": findings,
        "open_findings": any(f.status == FindingStatus.OPEN for f in findings),
        "decision": services.current_decision(application),
        "entitlement": application.household.entitlements.filter(
            decision__application=application
        ).first(),
        "objections": list(application.objections.select_related("notice")),
        "live": live,
        "today": timezone.localdate(),
        "reason_form": ReasonForm(),
        "appeal_form": AppealForm(),
    }
    if current is not None and "step_form" not in extra:
        context["step_form"] = _step_form(request, application, current.kind)
    if current is not None and current.kind == StepKind.VERIFICATION:
        context.setdefault("document_form", DocumentForm())
        context.setdefault("authorization_form", AuthorizationForm(application=application))
        context["verification_available"] = bool(adapters())
        context["not_connected"] = [source.label for source in sources_not_connected()]
    context.update(extra)
    return context


@login_required
@permission_required("casework.view_application", raise_exception=True)
@require_GET
def application_detail(request: HttpRequest, application_id: int) -> HttpResponse:
    application = get_application_for(request.user, application_id)
    return render(request, "casework/application.html", _context(request, application))


@login_required
@permission_required("casework.view_application", raise_exception=True)
@require_POST
def step_do(request: HttpRequest, application_id: int) -> HttpResponse:
    """Do the open step: the form of its kind, or its one button."""
    application = get_application_for(request.user, application_id)
    current = application.steps.filter(status=StepStatus.OPEN).first()
    kind = current.kind if current is not None else ""
    form = _step_form(request, application, kind)
    actor = user_of(request)
    try:
        if form is not None and not form.is_valid():
            raise _Invalid
        data = form.cleaned_data if form is not None else {}
        if kind == StepKind.HOME_VISIT:
            assert isinstance(form, HomeVisitForm)  # noqa: S101 - by kind
            colleagues = staff_covering(application.region_code, "casework.prepare_application")
            services.home_visit_record(
                actor=actor,
                application=application,
                second_staff=colleagues.get(pk=data["second_staff"]),
                visited_on=data["visited_on"],
                items=form.items(),
                family_confirmed=data["family_confirmed"],
                staff_confirmed=data["staff_confirmed"],
                note=data["note"],
                request=request,
            )
        elif kind == StepKind.APPRAISAL:
            services.appraisal_record(
                actor=actor,
                application=application,
                held_on=data["held_on"],
                present=data["present"],
                in_favour=data["in_favour"],
                note=data["note"],
                request=request,
            )
        elif kind == StepKind.TOWNSHIP_OPINION:
            services.township_opinion_record(
                actor=actor,
                application=application,
                recommend=data["recommend"],
                note=data["note"],
                request=request,
            )
        elif kind == StepKind.VERIFICATION:
            services.verification_complete(actor=actor, application=application, request=request)
        elif kind == StepKind.LETTER:
            services.letter_issue(actor=actor, application=application, request=request)
        elif kind == StepKind.ENTITLEMENT:
            services.entitlement_create(actor=actor, application=application, request=request)
        else:
            raise NotAllowed(_("This step is done on its own page."))
    except _Invalid:
        pass
    except HuiminError as error:
        refused(request, error, form)
    else:
        messages.success(request, _("The step is recorded."))
        return redirect("casework:application", application_id=application.pk)
    context = _context(request, application, step_form=form)
    return render(request, "casework/application.html", context, status=400)


class _Invalid(Exception):
    """A form with errors: the page is shown again with them."""


@login_required
@permission_required("casework.take_application", raise_exception=True)
@require_POST
def document_upload(request: HttpRequest, application_id: int) -> HttpResponse:
    application = get_application_for(request.user, application_id)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.document_attach(
                actor=user_of(request),
                application=application,
                kind=form.cleaned_data["kind"],
                file_name=upload.name,
                data=upload.read(),
                request=request,
            )
        except HuiminError as error:
            refused(request, error, form)
        else:
            messages.success(request, _("The document is attached."))
            return redirect("casework:application", application_id=application.pk)
    context = _context(request, application, document_form=form)
    return render(request, "casework/application.html", context, status=400)


@login_required
@permission_required("casework.take_application", raise_exception=True)
@require_POST
def authorization_add(request: HttpRequest, application_id: int) -> HttpResponse:
    application = get_application_for(request.user, application_id)
    form = AuthorizationForm(request.POST, application=application)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.authorization_record(
                actor=user_of(request),
                application=application,
                signers=list(application.household.members.filter(pk__in=data["signers"])),
                signed_on=data["signed_on"],
                document=application.documents.get(pk=data["document"]),
                request=request,
            )
        except HuiminError as error:
            refused(request, error, form)
        else:
            messages.success(request, _("The authorization is recorded."))
            return redirect("casework:application", application_id=application.pk)
    context = _context(request, application, authorization_form=form)
    return render(request, "casework/application.html", context, status=400)


@login_required
@permission_required("casework.prepare_application", raise_exception=True)
@require_POST
def verification_run(request: HttpRequest, application_id: int) -> HttpResponse:
    """Ask the other registries; what differs from the registry is listed to accept or not."""
    application = get_application_for(request.user, application_id)
    try:
        found = services.verification_run(
            actor=user_of(request), application=application, request=request
        )
    except HuiminError as error:
        refused(request, error)
    else:
        messages.success(
            request,
            _("The checks are done: %(n)s findings to look at.") % {"n": len(found)},
        )
    return redirect("casework:application", application_id=application.pk)


@login_required
@permission_required("casework.prepare_application", raise_exception=True)
@require_POST
def finding_decide(request: HttpRequest, finding_id: int) -> HttpResponse:
    finding = get_finding_for(request.user, finding_id)
    application_id = finding.step.application_id
    try:
        if request.POST.get("action") == "accept":
            value = request.POST.get("value_yuan", "").strip()
            services.finding_accept(
                actor=user_of(request),
                finding=finding,
                value_fen=parse_yuan(value, field="value_fen") if value else None,
                request=request,
            )
        else:
            services.finding_dismiss(
                actor=user_of(request),
                finding=finding,
                reason=request.POST.get("reason", ""),
                request=request,
            )
    except HuiminError as error:
        refused(request, error)
    return redirect("casework:application", application_id=application_id)


@login_required
@permission_required("casework.view_application", raise_exception=True)
@require_POST
def procedure_change(request: HttpRequest, application_id: int) -> HttpResponse:
    """Withdraw, suspend, resume, or reopen after an appeal."""
    application = get_application_for(request.user, application_id)
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "")
    actor = user_of(request)
    try:
        if action == "withdraw":
            services.application_withdraw(
                actor=actor, application=application, reason=reason, request=request
            )
        elif action == "suspend":
            services.procedure_suspend(
                actor=actor, application=application, reason=reason, request=request
            )
        elif action == "resume":
            services.procedure_resume(actor=actor, application=application, request=request)
        elif action == "appeal":
            services.appeal_record(
                actor=actor,
                application=application,
                outcome=request.POST.get("outcome", ""),
                request=request,
            )
        else:
            raise NotAllowed(_("Choose what to do with the application."))
    except HuiminError as error:
        refused(request, error)
    else:
        messages.success(request, _("The application is updated."))
    return redirect("casework:application", application_id=application.pk)


@login_required
@permission_required("casework.view_application", raise_exception=True)
@require_GET
def document_download(request: HttpRequest, document_id: int) -> HttpResponse:
    document = get_document_for(request.user, document_id)
    data = services.document_read(actor=user_of(request), document=document, request=request)
    response = HttpResponse(data, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="document-{document.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
