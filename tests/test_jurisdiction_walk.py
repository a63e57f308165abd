"""Walk every page and API route as a caseworker of one county while another county has data.

Routes with an id are called with the other county's records and must answer 404; routes without
one must not show the other county's records. A new route whose id kind has no sample below fails
this test until someone adds one, so no route escapes the walk.
"""

import re
from collections.abc import Callable, Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from huimin.core.models import User
from huimin.core.services import api_token_create, job_create
from tests.registry import samples as registry_samples

MARKER = "乙县专用标记"  # appears in every record made for the other county
SKIPPED_PREFIXES = ("admin/", "i18n/", "static/")

# id kind in the URL -> a function that makes such a record for the other county's user
SAMPLES: dict[str, Callable[[User], object]] = {
    "job_id": lambda other: job_create(owner=other, kind="sample", title=MARKER).pk,
    "token_id": lambda other: api_token_create(user=other, name=MARKER)[0].pk,
    "household_id": lambda other: registry_samples.household(other, MARKER).pk,
    "person_id": lambda other: registry_samples.person(other, MARKER).pk,
    "income_id": lambda other: registry_samples.income(other, MARKER).pk,
    "asset_id": lambda other: registry_samples.asset(other, MARKER).pk,
}


def walk(patterns: list, prefix: str = "") -> Iterator[str]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def all_routes() -> list[str]:
    routes = [r for r in walk(get_resolver().url_patterns) if not r.startswith(SKIPPED_PREFIXES)]
    assert len(routes) > 10, routes
    return routes


def fill(route: str, samples: dict[str, object]) -> str:
    def value(match: re.Match) -> str:
        kind = match.group(2)
        assert kind in samples, (
            f"no jurisdiction sample for <{kind}> in {route}: add one to SAMPLES"
        )
        return str(samples[kind])

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route.lstrip("^").rstrip("$"))


@pytest.fixture
def other_county_samples(caseworker_b) -> dict[str, object]:
    return {kind: make(caseworker_b) for kind, make in SAMPLES.items()}


def test_no_route_shows_another_countys_records(client, caseworker_a, other_county_samples):
    client.force_login(caseworker_a)
    checked = 0
    for route in all_routes():
        url = fill(route, other_county_samples)
        if "<" in route:
            statuses = {client.get(url).status_code, client.post(url).status_code}
            assert statuses <= {404, 405} and 404 in statuses, f"{url} answered {statuses}"
        else:
            response = client.get(url)
            assert response.status_code in (200, 302, 403, 404, 405), (
                f"{url}: {response.status_code}"
            )
            assert MARKER not in response.content.decode(errors="replace"), f"{url} leaks"
        checked += 1
    assert checked == len(all_routes())


def test_the_same_routes_do_show_the_owners_records(client, caseworker_b, other_county_samples):
    """The walk above proves something only if the owner does see these records."""
    client.force_login(caseworker_b)
    assert MARKER in client.get("/jobs/").content.decode()
    assert MARKER in client.get("/tokens/").content.decode()
