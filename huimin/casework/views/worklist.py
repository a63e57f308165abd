"""The caseworker's worklist: open steps in the area, overdue first, then due soon.

A supervisor sees one member of the team's worklist with `?staff=<id>`: the same page, limited
to the applications that member is responsible for, read-only unless the supervisor's role may
act on the steps."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from huimin.casework import queries, supervision
from huimin.casework.models import StepKind
from huimin.core.models import User

PROCEDURES_SHOWN = 20


def _member(request: HttpRequest) -> User | None:
    raw = request.GET.get("staff", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    return supervision.team_member_for(request.user, int(raw))


@login_required
@permission_required("casework.view_application", raise_exception=True)
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in StepKind.values:
        kind = ""
    member = _member(request)
    found = queries.worklist(request.user, kind=kind, responsible=member)
    late = supervision.procedure_overdue(request.user, on=timezone.localdate())
    if member is not None:
        late = late.filter(responsible=member)
    late_shown = list(
        late.select_related("applicant", "responsible").order_by("procedure_due", "id")[
            :PROCEDURES_SHOWN
        ]
    )
    labels = dict(StepKind.choices)
    counts = [(k, labels[k], n) for k, n in found.counts.items()]
    context = {
        "work": found,
        "counts": counts,
        "kind": kind,
        "member": member,
        "may_act": request.user.has_perm("casework.prepare_application"),
        "late": late_shown,
        "late_count": len(late_shown) if len(late_shown) < PROCEDURES_SHOWN else late.count(),
    }
    return render(request, "casework/worklist.html", context)
