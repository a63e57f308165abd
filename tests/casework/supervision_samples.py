"""The spot-check of the walk's sample case, drawn in caseworker B's county, and its review
decided (so that the review's letter exists; deciding it again is refused, which the walk's
action on the review only needs to answer with anything but 404)."""

from django.utils import timezone

from huimin.casework import services
from huimin.casework.models import Review
from huimin.core import roles
from huimin.core.models import User
from tests.casework import samples
from tests.conftest import make_user


def spot_check(other: User, marker: str) -> dict[str, int]:
    made = getattr(other, "_spot_check_sample", None)
    if made is not None:
        return made
    case = samples.case(other, marker)  # its decision is today's
    auditor = User.objects.filter(username="county_checker_b").first() or make_user(
        "county_checker_b", roles.APPROVER, ["532922"]
    )
    review = Review.objects.get(pk=case["review_id"])
    if review.status == "proposed":
        services.review_decide(actor=auditor, review=review, accept=True)
    today = timezone.localdate()
    drawn = services.spot_check_draw(
        actor=auditor, county_code="532922", starts_on=today, ends_on=today
    )
    made = {"spot_check_id": drawn.pk, "item_id": drawn.items.get().pk}
    other._spot_check_sample = made  # type: ignore[attr-defined]
    return made
