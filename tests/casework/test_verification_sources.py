"""Each source's findings, their seeded discrepancies, and the setting that chooses adapters."""

import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured

from huimin.casework.verification import (
    Adapter,
    Finding,
    Source,
    Unit,
    VerificationRequest,
    adapters,
    simulated,
    sources_not_connected,
    verify_household,
)
from huimin.casework.verification.simulated import discrepant, draw, extra_fen
from huimin.registry import services
from tests.casework.verification_cases import AS_OF, adults, make_family, request_for
from tests.registry.factories import member


@pytest.fixture
def family(caseworker_a):
    return make_family(caseworker_a)


def by_kind(findings: list[Finding]) -> dict[tuple[str, int | None], Finding]:
    return {(finding.kind, finding.person_id): finding for finding in findings}


def test_it_answers_what_the_registry_holds_when_nothing_is_seeded(family, settings):
    settings.HUIMIN_VERIFICATION_SIMULATED_SHARE = 0
    head, spouse = member(family, "王大山"), member(family, "赵小芳")
    found = verify_household(request_for(family))
    assert list(found) == list(Source)
    assert found[Source.DEATHS] == []
    # the vehicle sold in 2025 is not held any more
    assert [(f.kind, f.unit, f.found, f.registry) for f in found[Source.VEHICLES]] == [
        ("vehicle", Unit.COUNT, 0, 0)
    ]
    assert [(f.found, f.registry) for f in found[Source.REAL_ESTATE]] == [(1, 1)]
    assert [(f.unit, f.found, f.registry) for f in found[Source.BANK_DEPOSITS]] == [
        (Unit.FEN, 1_200_000, 1_200_000)
    ]
    assert by_kind(found[Source.SOCIAL_INSURANCE]).keys() == {("wages", head.pk)}
    assert by_kind(found[Source.SOCIAL_INSURANCE])[("wages", head.pk)].found == 180_000
    assert by_kind(found[Source.HOUSING_PROVIDENT_FUND]).keys() == {
        ("provident_fund_base", head.pk)
    }
    business = found[Source.BUSINESS_REGISTRATION]
    assert [(f.person_id, f.found, f.registry) for f in business] == [(spouse.pk, 1, 1)]
    every = [finding for findings in found.values() for finding in findings]
    assert not any(finding.differs for finding in every)
    assert all(finding.simulated for finding in every)


def test_it_reports_a_recorded_death_and_pensions(family, caseworker_a, settings):
    settings.HUIMIN_VERIFICATION_SIMULATED_SHARE = 0
    head, spouse = member(family, "王大山"), member(family, "赵小芳")
    services.income_add(
        actor=caseworker_a,
        person=spouse,
        income_type="pension_basic",
        monthly_fen=15_000,
        valid_from=date(2026, 1, 1),
    )
    request = request_for(family)  # made before the death: the head is still asked about
    services.person_record_death(
        actor=caseworker_a, person=head, death_date=date(2026, 11, 2), new_head=spouse
    )
    found = verify_household(request)
    assert [(f.person_id, f.found, f.registry) for f in found[Source.DEATHS]] == [
        (head.pk, date(2026, 11, 2), date(2026, 11, 2))
    ]
    pension = by_kind(found[Source.SOCIAL_INSURANCE])[("pension", spouse.pk)]
    assert (pension.found, pension.registry) == (15_000, 15_000)


def test_it_seeds_each_source_with_a_discrepancy_it_can_predict(family, settings):
    settings.HUIMIN_VERIFICATION_SIMULATED_SHARE = 100
    request = request_for(family)
    found = verify_household(request)
    grown = sorted(adults(family))

    def chosen(source: Source) -> int:
        return grown[(draw(family.pk, source) >> 16) % len(grown)]

    (death,) = found[Source.DEATHS]
    assert death.person_id == chosen(Source.DEATHS)
    assert death.registry is None and AS_OF - timedelta(days=60) <= death.found < AS_OF
    assert [(f.found, f.registry) for f in found[Source.VEHICLES]] == [(1, 0)]
    assert [(f.found, f.registry) for f in found[Source.REAL_ESTATE]] == [(2, 1)]
    (deposit,) = found[Source.BANK_DEPOSITS]
    extra = extra_fen(family.pk, Source.BANK_DEPOSITS)
    assert deposit.found == 1_200_000 + extra and 1_000_000 <= extra <= 6_000_000
    for source, kind in [
        (Source.SOCIAL_INSURANCE, "wages"),
        (Source.HOUSING_PROVIDENT_FUND, "provident_fund_base"),
        (Source.BUSINESS_REGISTRATION, "business"),
    ]:
        differing = [f for f in found[source] if f.differs]
        assert [(f.kind, f.person_id) for f in differing] == [(kind, chosen(source))], source
        (finding,) = differing
        more = 1 if kind == "business" else extra_fen(family.pk, source)
        assert finding.found == finding.registry + more
        assert kind == "business" or 100_000 <= more <= 300_000


def test_it_gives_the_same_answers_every_time(family):
    first = verify_household(request_for(family))
    assert verify_household(request_for(family)) == first
    assert json.loads(json.dumps({s: [f.as_dict() for f in fs] for s, fs in first.items()}))


def test_it_seeds_a_small_share_of_households_differently_per_source(settings):
    settings.HUIMIN_VERIFICATION_SIMULATED_SHARE = 10
    households = range(1, 5_001)
    chosen = {source: {h for h in households if discrepant(h, source)} for source in Source}
    for source, picked in chosen.items():
        assert 350 <= len(picked) <= 650, (source, len(picked))
    assert chosen[Source.VEHICLES] != chosen[Source.BANK_DEPOSITS]
    assert draw(42, Source.VEHICLES) == draw(42, Source.VEHICLES)
    settings.HUIMIN_VERIFICATION_SIMULATED_SHARE = 0
    assert not any(discrepant(h, Source.DEATHS) for h in households)


class RealVehicles(Adapter):
    """What an office's own adapter looks like: here, it always finds two vehicles."""

    source = Source.VEHICLES
    calls: list[VerificationRequest] = []

    def find(self, request: VerificationRequest) -> list[Finding]:
        RealVehicles.calls.append(request)
        return [Finding(Source.VEHICLES, None, "vehicle", Unit.COUNT, 2, 0)]


class WrongSource(RealVehicles):
    source = Source.DEATHS


def test_it_lets_a_real_adapter_replace_a_simulated_one(family, settings):
    settings.HUIMIN_VERIFICATION_ADAPTERS = [
        "simulated",
        f"vehicles={__name__}.RealVehicles",
        "housing_provident_fund=none",
    ]
    assert isinstance(adapters()[Source.VEHICLES], RealVehicles)
    assert isinstance(adapters()[Source.DEATHS], simulated.SimulatedDeaths)
    assert sources_not_connected() == [Source.HOUSING_PROVIDENT_FUND]
    found = verify_household(request_for(family))
    assert Source.HOUSING_PROVIDENT_FUND not in found
    assert [(f.found, f.simulated) for f in found[Source.VEHICLES]] == [(2, False)]
    assert RealVehicles.calls[-1].household_id == family.pk


def test_it_connects_nothing_unless_told_in_production(family, settings):
    settings.HUIMIN_VERIFICATION_ADAPTERS = []  # production's default
    assert adapters() == {}
    assert sources_not_connected() == list(Source)
    assert verify_household(request_for(family)) == {}


@pytest.mark.parametrize(
    "entry, problem",
    [
        ("vehicle=x.Y", "is not `simulated`"),
        ("simulation", "is not `simulated`"),
        ("vehicles=huimin.no_such_module.Adapter", "cannot import"),
        ("vehicles=huimin.casework.verification.types.Finding", "is not a verification Adapter"),
        (f"vehicles={__name__}.WrongSource", "answers for deaths, not vehicles"),
    ],
)
def test_it_refuses_a_wrong_adapter_setting(settings, entry, problem):
    settings.HUIMIN_VERIFICATION_ADAPTERS = ["simulated", entry]
    with pytest.raises(ImproperlyConfigured, match=problem):
        adapters()
