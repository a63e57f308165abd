"""Which adapter answers for each source: the setting HUIMIN_VERIFICATION_ADAPTERS.

Its entries, comma-separated, are read in order, a later one winning:
- `simulated`: every source answered by its simulated adapter (the default in demo and test;
  production has none unless it says so),
- `<source>=<dotted.path.Class>`: that source answered by that adapter, e.g.
  `simulated,vehicles=office_adapters.traffic.Vehicles`,
- `<source>=none`: that source not connected.
"""

from datetime import date
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string

from huimin.casework.verification.adapters import Adapter
from huimin.casework.verification.authorization import authorization_check
from huimin.casework.verification.simulated import SIMULATED
from huimin.casework.verification.types import (
    Authorization,
    Finding,
    Member,
    Source,
    VerificationRequest,
)
from huimin.registry.models import Household

SETTING = "HUIMIN_VERIFICATION_ADAPTERS"


@lru_cache(maxsize=4)
def _adapters_for(entries: tuple[str, ...]) -> dict[Source, Adapter]:
    classes: dict[Source, type[Adapter] | None] = {}
    for entry in entries:
        if entry == "simulated":
            classes.update(SIMULATED)
            continue
        name, equals, path = (part.strip() for part in entry.partition("="))
        if not equals or name not in Source.__members__.values():
            known = ", ".join(str(source) for source in Source)
            raise ImproperlyConfigured(
                f"{SETTING}: {entry!r} is not `simulated` nor `<source>=<adapter class>` "
                f"(sources: {known})"
            )
        source = Source(name)
        if path == "none":
            classes[source] = None
            continue
        try:
            adapter_class = import_string(path)
        except ImportError as error:
            raise ImproperlyConfigured(f"{SETTING}: cannot import {path}: {error}") from error
        if not (isinstance(adapter_class, type) and issubclass(adapter_class, Adapter)):
            raise ImproperlyConfigured(f"{SETTING}: {path} is not a verification Adapter")
        if adapter_class.source != source:
            raise ImproperlyConfigured(
                f"{SETTING}: {path} answers for {adapter_class.source}, not {source}"
            )
        classes[source] = adapter_class
    return {source: cls() for source, cls in classes.items() if cls is not None}


def adapters() -> dict[Source, Adapter]:
    """The configured adapter of each connected source, in the order of `Source`."""
    configured = _adapters_for(tuple(getattr(settings, SETTING)))
    return {source: configured[source] for source in Source if source in configured}


def sources_not_connected() -> list[Source]:
    """The sources no adapter answers for: a page says the check could not cover them."""
    configured = adapters()
    return [source for source in Source if source not in configured]


def verify_household(request: VerificationRequest) -> dict[Source, list[Finding]]:
    """Ask every connected source about the household: each source's findings.

    Refuses (VerificationNotAuthorized) before any source is called when the authorization is
    missing, expired or unsigned by an adult member; each adapter checks it again itself.
    """
    authorization_check(request)
    return {source: adapter.check(request) for source, adapter in adapters().items()}


def verification_request_for(
    household: Household,
    *,
    purpose: str,
    authorization: Authorization | None,
    as_of: date | None = None,
    authorization_valid_days: int | None = None,
) -> VerificationRequest:
    """The request for a household's living members, as the registry holds them."""
    members = tuple(
        Member(person_id=pk, id_number_index=index, birth_date=birth_date)
        for pk, index, birth_date in household.members.filter(death_date__isnull=True)
        .order_by("pk")
        .values_list("pk", "id_number_index", "birth_date")
    )
    return VerificationRequest(
        household_id=household.pk,
        members=members,
        purpose=purpose,
        authorization=authorization,
        as_of=as_of or timezone.localdate(),
        authorization_valid_days=authorization_valid_days,
    )
