"""Public notices: post one per village, print it, record and answer objections, close it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from huimin.casework import queries, services
from huimin.casework.access import get_notice_for, get_objection_for
from huimin.casework.forms import AnswerForm, NoticeForm, ObjectionForm
from huimin.casework.models import Application, Notice
from huimin.casework.views._common import GET_POST, refused, user_of
from huimin.core.access import scope
from huimin.core.documents import pdf_response, render_pdf
from huimin.core.errors import HuiminError
from huimin.registry.views._common import places

NOTICES_SHOWN = 50


@login_required
@permission_required("casework.view_notice", raise_exception=True)
@require_http_methods(GET_POST)
def notice_list(request: HttpRequest) -> HttpResponse:
    villages, _names = places(request, villages_only=True)
    form = NoticeForm(request.POST if request.method == "POST" else None, villages=villages)
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.notice_publish(
                actor=user_of(request),
                village_code=form.cleaned_data["village"],
                starts_on=form.cleaned_data["starts_on"],
                request=request,
            )
        except HuiminError as error:
            refused(request, error, form)
        else:
            messages.success(request, _("The notice is posted; print it for the village board."))
            return redirect("casework:notice", notice_id=notice.pk)
    notices = [
        (notice, _names.get(notice.region_code, notice.region_code))
        for notice in scope(Notice.objects.all(), request.user)[:NOTICES_SHOWN]
    ]
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "casework/notice_list.html",
        {"form": form, "notices": notices},
        status=status,
    )


def _notice_context(request: HttpRequest, notice: Notice, **extra: object) -> dict[str, object]:
    applications = Application.objects.filter(steps__notices=notice).select_related("applicant")
    choices = [(a.pk, queries.masked_name(a.applicant.name)) for a in applications]
    _villages, names = places(request, villages_only=True)
    context: dict[str, object] = {
        "notice": notice,
        "village": names.get(notice.region_code, notice.region_code),
        "lines": queries.notice_lines(notice),
        "objections": list(notice.objections.select_related("application__applicant")),
        "objection_form": ObjectionForm(applications=choices),
        "answer_form": AnswerForm(),
    }
    context.update(extra)
    return context


@login_required
@permission_required("casework.view_notice", raise_exception=True)
@require_GET
def notice_detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = get_notice_for(request.user, notice_id)
    context = _notice_context(request, notice)
    if request.GET.get("format") == "pdf":
        lang = "en" if request.LANGUAGE_CODE.startswith("en") else "zh-hans"
        pdf = render_pdf("casework/notice.html", {**context, "printing": True}, lang=lang)
        return pdf_response(pdf, f"公示-{notice.region_code}-{notice.starts_on}.pdf")
    return render(request, "casework/notice.html", context)


@login_required
@permission_required("casework.view_notice", raise_exception=True)
@require_POST
def notice_close(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = get_notice_for(request.user, notice_id)
    try:
        services.notice_close(actor=user_of(request), notice=notice, request=request)
    except HuiminError as error:
        refused(request, error)
    else:
        messages.success(request, _("The notice is closed."))
    return redirect("casework:notice", notice_id=notice.pk)


@login_required
@permission_required("casework.view_notice", raise_exception=True)
@require_POST
def objection_add(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = get_notice_for(request.user, notice_id)
    applications = scope(Application.objects.filter(steps__notices=notice), request.user)
    choices = [(a.pk, str(a.pk)) for a in applications]
    form = ObjectionForm(request.POST, applications=choices)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.objection_record(
                actor=user_of(request),
                application=applications.get(pk=data["application"]),
                notice=notice,
                text=data["text"],
                objector=data["objector"],
                received_on=data["received_on"],
                request=request,
            )
        except HuiminError as error:
            refused(request, error, form)
        else:
            messages.success(request, _("The objection is recorded; it must be answered."))
            return redirect("casework:notice", notice_id=notice.pk)
    context = _notice_context(request, notice, objection_form=form)
    return render(request, "casework/notice.html", context, status=400)


@login_required
@permission_required("casework.prepare_application", raise_exception=True)
@require_POST
def objection_answer(request: HttpRequest, objection_id: int) -> HttpResponse:
    objection = get_objection_for(request.user, objection_id)
    try:
        services.objection_answer(
            actor=user_of(request),
            objection=objection,
            answer=request.POST.get("answer", ""),
            request=request,
        )
    except HuiminError as error:
        refused(request, error)
    else:
        messages.success(request, _("The answer is recorded; the case goes back for a new visit."))
    return redirect("casework:notice", notice_id=objection.notice_id)
