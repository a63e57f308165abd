"""Simulated sources: they answer from the registry's own data, with seeded discrepancies.

Until an office connects the real registries, each simulated source answers what Huimin's
registry already holds, except for a small share of households (HUIMIN_VERIFICATION_SIMULATED_SHARE
percent, per source) where it holds something more: an extra vehicle or property, a higher
deposit, a business or an employment the registry does not know, a death it has not recorded.
Which households, which member and how much follow from a keyed hash of the household id
(`draw`), so the same household always gets the same answer and tests can predict it.
Every finding says `simulated=True`.
"""

import hashlib
import hmac
from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet

from huimin.casework.verification.adapters import Adapter
from huimin.casework.verification.types import (
    Finding,
    Member,
    Source,
    Unit,
    Value,
    VerificationRequest,
)
from huimin.registry.models import Asset, AssetKind, IncomeRecord, IncomeType, Person

_KEY = b"huimin simulated verification sources, v1"


def draw(household_id: int, source: Source) -> int:
    """A 64-bit number that a household and a source always draw the same."""
    message = f"{source}:{household_id}".encode()
    return int.from_bytes(hmac.new(_KEY, message, hashlib.sha256).digest()[:8], "big")


def discrepant(household_id: int, source: Source) -> bool:
    """Whether the simulated source holds more than the registry for this household."""
    share = settings.HUIMIN_VERIFICATION_SIMULATED_SHARE
    return draw(household_id, source) % 100 < share


def extra_fen(household_id: int, source: Source) -> int:
    """How much more money the source holds: 1,000 to 3,000 yuan a month (wages), or 10,000 to
    60,000 yuan (deposits), in whole yuan."""
    spread = draw(household_id, source) >> 32
    if source == Source.BANK_DEPOSITS:
        return (10_000 + spread % 50_001) * 100
    return (1_000 + spread % 2_001) * 100


def _valid_on(queryset: QuerySet, day: date) -> QuerySet:
    return queryset.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day)


class SimulatedAdapter(Adapter):
    def _persons(self, request: VerificationRequest) -> dict[str, tuple[int, date | None]]:
        """The registry's people by blind index: their id and date of death."""
        indexes = [member.id_number_index for member in request.members]
        return {
            index: (pk, death_date)
            for index, pk, death_date in Person.objects.filter(
                id_number_index__in=indexes
            ).values_list("id_number_index", "pk", "death_date")
        }

    def _chosen(self, request: VerificationRequest, living: list[Member]) -> Member | None:
        """The adult member a discrepancy falls on, or None for no discrepancy."""
        if not discrepant(request.household_id, self.source):
            return None
        adults = sorted(
            (member for member in living if member.is_adult_on(request.as_of)),
            key=lambda member: member.person_id,
        )
        if not adults:
            return None
        return adults[(draw(request.household_id, self.source) >> 16) % len(adults)]

    def _finding(
        self, person_id: int | None, kind: str, unit: Unit, found: Value, registry: Value
    ) -> Finding:
        return Finding(
            source=self.source,
            person_id=person_id,
            kind=kind,
            unit=unit,
            found=found,
            registry=registry,
            simulated=True,
        )


class SimulatedDeaths(SimulatedAdapter):
    """Deaths and cremations: each death recorded, and, seeded, one the registry does not know."""

    source = Source.DEATHS

    def find(self, request: VerificationRequest) -> list[Finding]:
        persons = self._persons(request)
        known = [m for m in request.members if m.id_number_index in persons]
        living = [m for m in known if persons[m.id_number_index][1] is None]
        chosen = self._chosen(request, living)
        findings = []
        for member in known:
            registry_death = persons[member.id_number_index][1]
            found = registry_death
            if member == chosen:
                days_ago = 1 + (draw(request.household_id, self.source) >> 40) % 60
                found = request.as_of - timedelta(days=days_ago)
            if found is not None:
                findings.append(
                    self._finding(member.person_id, "death", Unit.DATE, found, registry_death)
                )
        return findings


class _HouseholdAssetCount(SimulatedAdapter):
    """A count of the household's assets of some kinds; seeded, one more."""

    kinds: tuple[str, ...]
    kind: str

    def find(self, request: VerificationRequest) -> list[Finding]:
        assets = Asset.objects.filter(household_id=request.household_id, kind__in=self.kinds)
        held = _valid_on(assets, request.as_of).count()
        found = held + (1 if discrepant(request.household_id, self.source) else 0)
        return [self._finding(None, self.kind, Unit.COUNT, found, held)]


class SimulatedVehicles(_HouseholdAssetCount):
    source = Source.VEHICLES
    kinds = (AssetKind.VEHICLE,)
    kind = "vehicle"


class SimulatedRealEstate(_HouseholdAssetCount):
    source = Source.REAL_ESTATE
    kinds = (AssetKind.HOME, AssetKind.COMMERCIAL_PROPERTY)
    kind = "real_estate"


class SimulatedBankDeposits(SimulatedAdapter):
    """The household's deposits, in fen; seeded, 10,000 to 60,000 yuan more."""

    source = Source.BANK_DEPOSITS

    def find(self, request: VerificationRequest) -> list[Finding]:
        assets = Asset.objects.filter(household_id=request.household_id, kind=AssetKind.DEPOSIT)
        held = sum(_valid_on(assets, request.as_of).values_list("value_fen", flat=True))
        found = held
        if discrepant(request.household_id, self.source):
            found += extra_fen(request.household_id, self.source)
        return [self._finding(None, "deposit", Unit.FEN, found, held)]


class _PersonIncome(SimulatedAdapter):
    """Each member's monthly income of some types, in fen; seeded, one adult earns more."""

    income_types: tuple[str, ...]
    kind: str
    unit = Unit.FEN

    def _held(self, request: VerificationRequest, persons: dict[str, tuple[int, date | None]]):
        by_pk = {pk: index for index, (pk, _) in persons.items()}
        rows = _valid_on(
            IncomeRecord.objects.filter(person_id__in=by_pk, income_type__in=self.income_types),
            request.as_of,
        ).values_list("person_id", "monthly_fen")
        held: dict[str, int] = defaultdict(int)
        for person_id, monthly_fen in rows:
            held[by_pk[person_id]] += monthly_fen
        return held

    def _extra(self, request: VerificationRequest) -> int:
        return extra_fen(request.household_id, self.source)

    def find(self, request: VerificationRequest) -> list[Finding]:
        persons = self._persons(request)
        held = self._held(request, persons)
        living = [
            m
            for m in request.members
            if m.id_number_index in persons and persons[m.id_number_index][1] is None
        ]
        chosen = self._chosen(request, living)
        findings = []
        for member in request.members:
            if member.id_number_index not in persons:
                continue
            registry = held.get(member.id_number_index, 0)
            found = registry + (self._extra(request) if member == chosen else 0)
            if found or registry:
                findings.append(
                    self._finding(member.person_id, self.kind, self.unit, found, registry)
                )
        return findings


class SimulatedSocialInsurance(_PersonIncome):
    """Contributions imply wages: each member's monthly wages as the contribution base."""

    source = Source.SOCIAL_INSURANCE
    income_types = (IncomeType.WAGES,)
    kind = "wages"

    def find(self, request: VerificationRequest) -> list[Finding]:
        findings = super().find(request)
        pensions = _Pensions()
        return findings + pensions.find(request)


class _Pensions(_PersonIncome):
    """The pensions social insurance pays, as the registry holds them (never seeded)."""

    source = Source.SOCIAL_INSURANCE
    income_types = (IncomeType.PENSION_BASIC, IncomeType.PENSION_OTHER)
    kind = "pension"

    def _chosen(self, request: VerificationRequest, living: list[Member]) -> Member | None:
        return None


class SimulatedBusinessRegistration(_PersonIncome):
    """Businesses registered in a member's name: the registry's business incomes, counted."""

    source = Source.BUSINESS_REGISTRATION
    income_types = (IncomeType.BUSINESS,)
    kind = "business"
    unit = Unit.COUNT

    def _held(self, request: VerificationRequest, persons: dict[str, tuple[int, date | None]]):
        return {index: 1 if fen else 0 for index, fen in super()._held(request, persons).items()}

    def _extra(self, request: VerificationRequest) -> int:
        return 1


class SimulatedHousingProvidentFund(_PersonIncome):
    """Provident-fund contributions imply a salaried job: the contribution base, monthly fen,
    beside the member's wages in the registry."""

    source = Source.HOUSING_PROVIDENT_FUND
    income_types = (IncomeType.WAGES,)
    kind = "provident_fund_base"


SIMULATED: dict[Source, type[Adapter]] = {
    Source.DEATHS: SimulatedDeaths,
    Source.VEHICLES: SimulatedVehicles,
    Source.REAL_ESTATE: SimulatedRealEstate,
    Source.BUSINESS_REGISTRATION: SimulatedBusinessRegistration,
    Source.SOCIAL_INSURANCE: SimulatedSocialInsurance,
    Source.BANK_DEPOSITS: SimulatedBankDeposits,
    Source.HOUSING_PROVIDENT_FUND: SimulatedHousingProvidentFund,
}
