"""The household page's payment history: one tag the registry's page includes."""

from django import template

from huimin.payments.queries import history_of_household

register = template.Library()
HISTORY_ROWS = 24


@register.inclusion_tag("payments/_household_history.html", takes_context=True)
def payment_history(context: template.Context, household: object) -> dict:
    user = context.get("user")
    allowed = user is not None and user.has_perm("payments.view_paymentline")
    lines = list(history_of_household(household.pk)[:HISTORY_ROWS]) if allowed else []  # type: ignore[attr-defined]
    return {"allowed": allowed, "lines": lines, "household": household}
