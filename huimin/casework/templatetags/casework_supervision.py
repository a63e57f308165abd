"""The application page's panel on whose case it is and when the county must have decided.

A tag, so that the page's view stays as it is: it reads the signed-in user from the context."""

from typing import Any

from django import template
from django.utils import timezone

from huimin.casework import supervision
from huimin.casework.models import Application, ApplicationStatus
from huimin.core.access import covers

register = template.Library()

_OPEN = (ApplicationStatus.IN_PROGRESS, ApplicationStatus.SUSPENDED)


@register.inclusion_tag("casework/_procedure_panel.html", takes_context=True)
def procedure_panel(context: dict[str, Any], application: Application) -> dict[str, Any]:
    user = context["request"].user
    today = timezone.localdate()
    is_open = application.status in _OPEN
    may_act = is_open and user.has_perm("casework.decide_application")
    undecided = application.status == ApplicationStatus.IN_PROGRESS
    colleagues = []
    if may_act:
        colleagues = [
            member
            for member in supervision.team_of(user)
            if member.pk != application.responsible_id and covers(member, application.region_code)
        ]
    return {
        "application": application,
        "today": today,
        "late": bool(undecided and application.procedure_due and application.procedure_due < today),
        "may_extend": may_act and application.procedure_extended_at is None,
        "colleagues": colleagues,
        "csrf_token": context.get("csrf_token"),
    }
