"""A resident's request in the other county, for the jurisdiction walk: open (the list and the
page show it) and another closed and rated (the supervisors' report shows its township)."""

from huimin.citizens import services
from huimin.citizens.models import Request
from huimin.core.models import User


def request(other: User, marker: str) -> Request:
    made = getattr(other, "_citizens_request", None)
    if made is not None:
        return made
    township = "532922100"
    closed = services.request_file(kind="question", text=f"{marker}已答", region_code=township)
    services.request_answer(actor=other, filed=closed, text=marker, close=True)
    filed = services.request_file(kind="complaint", text=f"{marker}投诉", region_code=township)
    other._citizens_request = filed  # type: ignore[attr-defined]
    return filed
