"""The caseworker's worklist: open steps in the area, overdue first, then due soon."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from huimin.casework import queries
from huimin.casework.models import StepKind


@login_required
@permission_required("casework.view_application", raise_exception=True)
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in StepKind.values:
        kind = ""
    found = queries.worklist(request.user, kind=kind)
    labels = dict(StepKind.choices)
    counts = [(k, labels[k], n) for k, n in found.counts.items()]
    return render(
        request, "casework/worklist.html", {"work": found, "counts": counts, "kind": kind}
    )
