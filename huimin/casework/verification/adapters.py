"""The interface every source's adapter implements, real or simulated."""

from abc import ABC, abstractmethod

from huimin.casework.verification.authorization import authorization_check
from huimin.casework.verification.types import Finding, Source, VerificationRequest


class Adapter(ABC):
    """One other registry. `check` refuses without authorization, then asks `find`.

    A real adapter subclasses this, sets `source`, and implements `find`: it asks its registry
    about the members (by identity: the blind index, or the identity number it decrypts for a
    registry that needs it) and answers a Finding for each fact held, with the registry's own
    figure beside it. It raises a HuiminError subclass when the source cannot answer; it never
    returns an error as a finding. Calls and findings are audited by the caller.
    """

    source: Source

    def check(self, request: VerificationRequest) -> list[Finding]:
        authorization_check(request)
        return self.find(request)

    @abstractmethod
    def find(self, request: VerificationRequest) -> list[Finding]:
        """The facts this source holds about the request's household; authorization checked."""
