"""The residents' requests beside the casework tasks in the staff worklist (one query)."""

from typing import Any

from django import template
from django.utils import timezone

from huimin.citizens.access import requests_for_staff
from huimin.citizens.models import RequestStatus

register = template.Library()
SHOWN = 10


@register.inclusion_tag("citizens/_worklist_requests.html", takes_context=True)
def open_requests(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    due = list(
        requests_for_staff(user)
        .filter(status=RequestStatus.OPEN)
        .order_by("due_date", "pk")[: SHOWN + 1]
    )
    return {"requests": due[:SHOWN], "more": len(due) > SHOWN, "today": timezone.localdate()}
