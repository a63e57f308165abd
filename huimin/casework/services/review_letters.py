"""The letter of a review's decision (复核决定书): numbered like a decision letter, from the same
county office's sequence, with what it decided frozen on the review."""

import datetime as dt

from huimin.casework.models import Entitlement, Review, ReviewProposal
from huimin.casework.services._common import OFFICE_DIGITS
from huimin.casework.services.decisions import _next_letter_serial, _office_name


def number_review_letter(
    review: Review, entitlement: Entitlement, *, on: dt.date, was_fen: int, start: dt.date
) -> list[str]:
    """Give the decided review its letter number and facts; the fields to save."""
    application = entitlement.decision.application
    office_code = application.region_code[:OFFICE_DIGITS]
    office_name = _office_name(application)
    serial = _next_letter_serial(office_code, on.year)
    outcome = review.proposal if review.accepted else "kept"
    gradual = outcome == ReviewProposal.GRADUAL_EXIT and entitlement.end_month is not None
    review.office_code, review.office_name = office_code, office_name
    review.letter_year, review.letter_serial = on.year, serial
    review.letter_number = f"{office_name}〔{on.year}〕{serial}号"
    review.letter_facts = {
        "outcome": outcome,
        "monthly_fen": entitlement.monthly_fen,
        "was_fen": was_fen,
        "start": start.strftime("%Y-%m"),
        "end": entitlement.end_month.strftime("%Y-%m") if gradual else None,  # type: ignore[union-attr]
        "decided_on": on.isoformat(),
    }
    return [
        "office_code",
        "office_name",
        "letter_year",
        "letter_serial",
        "letter_number",
        "letter_facts",
    ]
