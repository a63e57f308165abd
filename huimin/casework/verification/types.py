"""What a verification asks and what a source answers: plain values, no database rows."""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from huimin.core.errors import NotAllowed

ADULT_AGE = 18


class Source(StrEnum):
    """The other registries a household's economic situation is checked against (家庭经济状况核对)."""

    DEATHS = "deaths"
    VEHICLES = "vehicles"
    REAL_ESTATE = "real_estate"
    BUSINESS_REGISTRATION = "business_registration"
    SOCIAL_INSURANCE = "social_insurance"
    BANK_DEPOSITS = "bank_deposits"
    HOUSING_PROVIDENT_FUND = "housing_provident_fund"

    @property
    def label(self) -> str:
        return str(SOURCE_LABELS[self])


SOURCE_LABELS = {
    Source.DEATHS: _("deaths and cremations (civil affairs, public security)"),
    Source.VEHICLES: _("vehicles (traffic police)"),
    Source.REAL_ESTATE: _("real estate (natural resources)"),
    Source.BUSINESS_REGISTRATION: _("business registration (market regulation)"),
    Source.SOCIAL_INSURANCE: _("social insurance (human resources)"),
    Source.BANK_DEPOSITS: _("bank deposits (banks)"),
    Source.HOUSING_PROVIDENT_FUND: _("housing provident fund"),
}


class Unit(StrEnum):
    FEN = "fen"  # money, integer fen
    COUNT = "count"  # a number of things: vehicles, properties, businesses
    DATE = "date"  # a day, e.g. a date of death


@dataclass(frozen=True)
class Authorization:
    """The signed authorization (核对授权书) recorded on the application."""

    signed_by: frozenset[int]  # person ids of everyone who signed
    signed_on: date
    document_ref: str  # the scanned copy: a document id or reference


@dataclass(frozen=True)
class Member:
    """A household member to check: who, the blind index of their identity number, their age."""

    person_id: int
    id_number_index: str
    birth_date: date

    def is_adult_on(self, day: date) -> bool:
        try:
            birthday = self.birth_date.replace(year=self.birth_date.year + ADULT_AGE)
        except ValueError:  # born on 29 February
            birthday = date(self.birth_date.year + ADULT_AGE, 3, 1)
        return birthday <= day


@dataclass(frozen=True)
class VerificationRequest:
    household_id: int
    members: tuple[Member, ...]
    purpose: str  # why the data is asked for, as audited: e.g. "dibao application 2026-0012"
    authorization: Authorization | None
    as_of: date  # the day the check is made for; the authorization must be valid on it
    # how long a signed authorization stays good; None: HUIMIN_VERIFICATION_AUTHORIZATION_DAYS
    authorization_valid_days: int | None = None


Value = int | date | None


@dataclass(frozen=True)
class Finding:
    """One fact a source holds, beside what the registry holds for comparison."""

    source: Source
    person_id: int | None  # None: a fact of the household (its vehicles, its deposits)
    kind: str  # "death", "vehicle", "real_estate", "business", "wages", "pension", ...
    unit: Unit
    found: Value  # what the source holds
    registry: Value  # what the registry holds
    simulated: bool = field(default=False)  # from a simulated adapter, not a real registry

    @property
    def differs(self) -> bool:
        return self.found != self.registry

    def as_dict(self) -> dict[str, object]:
        """JSON-ready: dates as ISO strings."""

        def plain(value: Value) -> object:
            return value.isoformat() if isinstance(value, date) else value

        return {
            "source": str(self.source),
            "person_id": self.person_id,
            "kind": self.kind,
            "unit": str(self.unit),
            "found": plain(self.found),
            "registry": plain(self.registry),
            "differs": self.differs,
            "simulated": self.simulated,
        }


class VerificationNotAuthorized(NotAllowed):
    """No call to another registry without every adult member's valid, signed authorization."""

    def __init__(self, message: str, *, reason: str, person_ids: tuple[int, ...] = ()) -> None:
        super().__init__(message)
        self.reason = reason  # "missing", "expired", "not_signed", "no_purpose"
        self.person_ids = person_ids  # the adults who have not signed
