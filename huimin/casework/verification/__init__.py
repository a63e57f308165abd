"""Household economic verification (家庭经济状况核对) against other registries: see README.md."""

from huimin.casework.verification.adapters import Adapter
from huimin.casework.verification.authorization import authorization_check
from huimin.casework.verification.sources import (
    adapters,
    sources_not_connected,
    verification_request_for,
    verify_household,
)
from huimin.casework.verification.types import (
    SOURCE_LABELS,
    Authorization,
    Finding,
    Member,
    Source,
    Unit,
    VerificationNotAuthorized,
    VerificationRequest,
)

__all__ = [
    "SOURCE_LABELS",
    "Adapter",
    "Authorization",
    "Finding",
    "Member",
    "Source",
    "Unit",
    "VerificationNotAuthorized",
    "VerificationRequest",
    "adapters",
    "authorization_check",
    "sources_not_connected",
    "verification_request_for",
    "verify_household",
]
