"""The letter of a decided review (复核决定书), HTML and PDF, in Chinese or English: the decision
letter's page and template."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from huimin.casework.access import get_review_for
from huimin.casework.assessment import review_letter_text
from huimin.casework.views.decisions import _letter_lang
from huimin.core.documents import pdf_response, render_pdf


@login_required
@permission_required("casework.view_entitlement", raise_exception=True)
@require_GET
def review_letter(request: HttpRequest, review_id: int) -> HttpResponse:
    review = get_review_for(request.user, review_id)
    if not review.letter_number:  # not decided yet (or decided before letters were numbered)
        raise Http404
    lang = _letter_lang(request)
    entitlement = review.entitlement
    context = {
        "application": entitlement.decision.application,
        "decision": review,  # the template reads its letter_number
        "lang": lang,
        "paragraphs": review_letter_text(review, lang).split("\n"),
        "back_url": reverse("casework:entitlement", args=[entitlement.pk]),
        "back_label": _("Entitlement"),
    }
    if request.GET.get("format") == "pdf":
        pdf = render_pdf("casework/letter.html", context, lang="en" if lang == "en" else "zh-hans")
        return pdf_response(pdf, f"{review.letter_number}.pdf")
    return render(request, "casework/letter.html", context)
