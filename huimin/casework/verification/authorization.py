"""The check every adapter makes before it asks anything: a valid authorization, a purpose."""

from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext as _

from huimin.casework.verification.types import VerificationNotAuthorized, VerificationRequest


def authorization_check(request: VerificationRequest) -> None:
    """Refuse unless the request says why and every adult member checked signed, recently enough.

    Adult means 18 or older on `as_of`; a child's data is asked for on the parents' signatures.
    """
    if not request.purpose.strip():
        raise VerificationNotAuthorized(
            _("Say why the household's data is asked for."), reason="no_purpose"
        )
    authorization = request.authorization
    if authorization is None:
        raise VerificationNotAuthorized(
            _(
                "No signed authorization is recorded: every adult of the family must first sign "
                "the authorization for the check."
            ),
            reason="missing",
        )
    valid_days = request.authorization_valid_days
    if valid_days is None:
        valid_days = settings.HUIMIN_VERIFICATION_AUTHORIZATION_DAYS
    if authorization.signed_on > request.as_of:
        raise VerificationNotAuthorized(
            _("The authorization is dated after the day of the check."), reason="expired"
        )
    if authorization.signed_on + timedelta(days=valid_days) < request.as_of:
        message = _(
            "The authorization signed on %(date)s is more than %(days)d days old: the family "
            "must sign it again."
        )
        raise VerificationNotAuthorized(
            message % {"date": authorization.signed_on.isoformat(), "days": valid_days},
            reason="expired",
        )
    unsigned = tuple(
        member.person_id
        for member in request.members
        if member.is_adult_on(request.as_of) and member.person_id not in authorization.signed_by
    )
    if unsigned:
        message = _(
            "%(count)d adult member(s) to be checked have not signed the authorization: "
            "every adult member must sign it."
        )
        raise VerificationNotAuthorized(
            message % {"count": len(unsigned)}, reason="not_signed", person_ids=unsigned
        )
