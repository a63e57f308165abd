"""Walk every page and API route as a user of one county while another county has data.

Every record made for the other county carries MARKER. Each route is walked twice:

- as the owner, a user of the other county, it must find those records: a page or API answer shows
  the marker, an action (a POST) answers anything but 404. Without this control, "nothing leaked"
  would also pass for a route that finds nothing for anyone (a wrong sample, an empty query);
- as the stranger, a user of the first county, a route with an id answers 404 to GET and POST
  (405 where the method does not exist), and a route without one, asked the same query that shows
  the owner the marker, does not show it.

Pages are walked with a session, the API with a token (Authorization: Bearer). Both users are
caseworkers who also supervise (the auditor's role), so that jurisdiction is the only thing that
stops the stranger. Every route must be listed in ROUTES, and every id kind in a URL needs a
sample in SAMPLES: a new route fails this test until someone says how to walk it.
"""

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from huimin.core import roles
from huimin.core.models import User
from huimin.core.services import api_token_create, job_create, user_create
from huimin.registry.bulk import storage
from huimin.registry.bulk.views import IMPORT_KIND
from tests.casework import samples as casework_samples
from tests.casework import supervision_samples
from tests.citizens import samples as citizens_samples
from tests.conftest import VILLAGE_B
from tests.payments import samples as payments_samples
from tests.registry import samples as registry_samples

MARKER = "乙县专用标记"  # appears in every record made for the other county
SKIPPED_PREFIXES = ("admin/", "i18n/", "static/")
API_PREFIX = "api/"
OTHER_VILLAGE_NAME = "测试村丙"  # the other county's village (tests/conftest.py)
OTHER_TOWNSHIP_NAME = "苍山西镇"  # its township


def parameter_proposal(other: User) -> int:
    """A proposal for the other county, made by someone else there (so the owner may decide)."""
    from huimin.programs.models import ParameterProposal

    proposer = user_create(actor=None, username="proposer", password="x", region_codes=["532922"])
    return ParameterProposal.objects.create(
        name="dibao.standard.rural",
        region="532922",
        start="2026-11-01",
        value=50000,
        source=MARKER,
        effect_period="2026-11",
        proposed_by=proposer,
    ).pk


def import_job(other: User) -> int:
    """An import the owner checked: its result page, its apply action, its refused rows."""
    upload = storage.upload_save([f"name\n{MARKER}\n".encode()], file_format="csv")
    clear = storage.uploads_dir() / "sample-rejected.csv"
    clear.write_text(f"name,error\n{MARKER},wrong\n", encoding="utf-8")
    rejected = storage.rejected_save(clear, upload=upload)
    outcome = {
        "mode": "check",
        "file_name": f"{MARKER}.csv",
        "path": str(upload),
        "rejected_file": str(rejected),
        "counts": {"rows": 1, "rows_accepted": 0, "rows_rejected": 1},
    }
    job = job_create(owner=other, kind=IMPORT_KIND, title=MARKER)
    type(job).objects.filter(pk=job.pk).update(status="succeeded", outcome=outcome)
    return job.pk


def export_job(other: User) -> int:
    """A large export the owner made: its progress page and its file."""
    from datetime import timedelta

    from django.utils import timezone

    from huimin.registry.bulk.tasks import EXPORT_KIND

    stored = storage.export_save(f"name\n{MARKER}\n".encode(), file_format="csv")
    expires = (timezone.now() + timedelta(hours=1)).isoformat()
    outcome = {"export_file": str(stored), "file_name": "registry.csv", "rows": 1}
    job = job_create(owner=other, kind=EXPORT_KIND, title=MARKER)
    type(job).objects.filter(pk=job.pk).update(
        status="succeeded", outcome={**outcome, "expires_at": expires}
    )
    return job.pk


def simulation_scenario(other: User):  # type: ignore[no-untyped-def]
    from huimin.simulation.services import scenario_create

    raw = {
        "name": MARKER,
        "period": "2026-03",
        "population": {"source": "registry", "region": VILLAGE_B[:6]},
        "metrics": {"poverty_line_fen": 60000},
    }
    return scenario_create(actor=other, raw=raw)


def simulation_run(other: User):  # type: ignore[no-untyped-def]
    from huimin.simulation.models import SimulationRun

    scenario = simulation_scenario(other)
    return SimulationRun.objects.create(
        version=scenario.latest, region_code=scenario.region_code, started_by=other
    )


# id kind in the URL -> a function that makes such a record for the other county's user
SAMPLES: dict[str, Callable[[User], object]] = {
    "job_id": import_job,
    "export_id": export_job,
    "token_id": lambda other: api_token_create(user=other, name=MARKER)[0].pk,
    "household_id": lambda other: registry_samples.household(other, MARKER).pk,
    "person_id": lambda other: registry_samples.person(other, MARKER).pk,
    "income_id": lambda other: registry_samples.income(other, MARKER).pk,
    "asset_id": lambda other: registry_samples.asset(other, MARKER).pk,
    "proposal_id": parameter_proposal,
    "request_id": lambda other: citizens_samples.request(other, MARKER).pk,
    "user_id": lambda other: (
        user_create(
            actor=None, username="marked", password="x", full_name=MARKER, region_codes=["532922"]
        ).pk
    ),
    "scenario_id": lambda other: simulation_scenario(other).pk,
    "run_id": lambda other: simulation_run(other).pk,
    **{
        kind: (lambda other, kind=kind: casework_samples.case(other, MARKER)[kind])
        for kind in (
            "application_id",
            "document_id",
            "finding_id",
            "notice_id",
            "objection_id",
            "entitlement_id",
            "review_id",
            "change_id",
            "candidate_id",
        )
    },
    **{
        kind: (lambda other, kind=kind: supervision_samples.spot_check(other, MARKER)[kind])
        for kind in ("spot_check_id", "item_id")
    },
    **{
        kind: (lambda other, kind=kind: payments_samples.payroll(other, MARKER)[kind])
        for kind in (
            "allocation_id",
            "cycle_id",
            "exception_id",
            "line_id",
            "authorization_id",
            "recovery_id",
        )
    },
}


@dataclass(frozen=True)
class Visit:
    """How the owner reaches the records of a route; the stranger is asked the same."""

    method: str = "get"
    query: dict[str, str] = field(default_factory=dict)
    data: dict[str, str] = field(default_factory=dict)
    # What the owner's answer shows; None where a route shows nothing of the record (a form, an
    # action): the owner's answer must then only not be 404 (nor 405).
    shows: str | None = MARKER


FINDS = Visit(shows=None)
ACTION = Visit(method="post", shows=None)
# A name prefix of the records, not the marker itself: a search page repeats its query.
SEARCH = Visit(query={"q": MARKER[:4]})


@dataclass(frozen=True)
class NoRecords:
    """A route that shows no one's records: the stranger is still walked through it."""

    why: str


ROUTES: dict[str, Visit | NoRecords] = {
    "": Visit(),  # the home page lists my recent jobs
    "login/": NoRecords("the login form"),
    "logout/": NoRecords("logs out"),
    "jobs/": Visit(),
    "jobs/<int:job_id>/row/": Visit(),
    "jobs/<int:job_id>/retry/": ACTION,
    "account/password/": NoRecords("one's own password"),
    "administration/users/": Visit(),  # the staff of my regions
    "administration/users/new/": NoRecords("an empty form"),
    "administration/users/<int:user_id>/": Visit(),
    "administration/users/<int:user_id>/disable/": ACTION,
    "administration/users/<int:user_id>/enable/": ACTION,
    "administration/users/<int:user_id>/password/": ACTION,
    "administration/users/<int:user_id>/roles/": ACTION,
    "administration/users/<int:user_id>/regions/": ACTION,
    "administration/regions/townships/": Visit(query={"area": "532922"}, shows="苍山西镇"),
    "tokens/": Visit(),
    "tokens/new/": Visit(method="post", data={"name": "another"}),  # answers with my tokens
    "tokens/all/": Visit(),  # an administrator's overview of the tokens in their jurisdiction
    "tokens/<int:token_id>/revoke/": ACTION,
    "audit/": Visit(shows=VILLAGE_B),  # events show their region
    "audit/verify/": NoRecords("starts a check of the whole chain; its job is the starter's"),
    "registry/": SEARCH,
    "registry/villages/": Visit(query={"township": "532922100"}, shows=OTHER_VILLAGE_NAME),
    "registry/households/new/": NoRecords("an empty form"),
    "registry/households/<int:household_id>/": Visit(),
    "registry/households/<int:household_id>/edit/": Visit(),
    "registry/households/<int:household_id>/as-of/": Visit(query={"date": "2099-01-01"}),
    "registry/households/<int:household_id>/payee/": ACTION,
    "registry/households/<int:household_id>/head/": Visit(),  # offers the other members
    "registry/households/<int:household_id>/reveal/": ACTION,
    "registry/households/<int:household_id>/members/new/": FINDS,
    "registry/households/<int:household_id>/assets/new/": FINDS,
    "registry/persons/<int:person_id>/edit/": Visit(),
    "registry/persons/<int:person_id>/reveal/": ACTION,
    "registry/persons/<int:person_id>/move/": Visit(),
    "registry/persons/<int:person_id>/death/": Visit(),
    "registry/persons/<int:person_id>/incomes/new/": Visit(),
    "registry/incomes/<int:income_id>/end/": Visit(),
    "registry/assets/<int:asset_id>/end/": FINDS,
    "registry/import/": Visit(),  # lists my recent imports
    "registry/import/template.csv": NoRecords("the empty template"),
    "registry/import/template.xlsx": NoRecords("the empty template"),
    "registry/import/<int:job_id>/": Visit(),
    "registry/import/<int:job_id>/apply/": ACTION,
    "registry/import/<int:job_id>/rejected/": Visit(),
    "registry/export/": NoRecords("the export form"),
    "registry/export/download/": Visit(query={"q": MARKER[:4], "format": "csv"}),
    "registry/export/<int:export_id>/": Visit(),
    "registry/export/<int:export_id>/file/": Visit(),
    "programs/households/<int:household_id>/": FINDS,
    "programs/parameters/": Visit(),  # the proposals of my regions
    "programs/parameters/change/": NoRecords("a form for one's own regions and their standards"),
    "programs/parameters/proposals/<int:proposal_id>/": Visit(),
    "programs/parameters/proposals/<int:proposal_id>/decide/": Visit(
        method="post", data={"decision": "approve"}, shows=None
    ),
    "simulation/": Visit(),  # lists the scenarios within reach
    "simulation/scenarios/<int:scenario_id>/": Visit(),
    "simulation/scenarios/<int:scenario_id>/run": ACTION,
    "simulation/runs/<int:run_id>/": Visit(),
    "simulation/runs/<int:run_id>/export.xlsx": FINDS,
    "simulation/runs/<int:run_id>/export.csv": FINDS,
    "casework/": Visit(),  # the worklist: open steps of the area
    "casework/team/": Visit(shows="colleague_b"),  # the staff of my area and their open work
    "casework/spot-checks/": Visit(shows="532922"),  # the spot-checks of my counties
    "casework/spot-checks/<int:spot_check_id>/": Visit(),  # the sampled cases, by name
    "casework/spot-checks/items/<int:item_id>/": ACTION,
    "casework/reviews/<int:review_id>/letter/": Visit(),  # addressed to the applicant
    "casework/applications/<int:application_id>/responsible/": ACTION,
    "casework/applications/<int:application_id>/extend/": ACTION,
    "casework/households/<int:household_id>/apply/": Visit(),  # offers the members
    "casework/applications/<int:application_id>/": Visit(),
    "casework/applications/<int:application_id>/step/": ACTION,
    "casework/applications/<int:application_id>/documents/": ACTION,
    "casework/applications/<int:application_id>/authorization/": ACTION,
    "casework/applications/<int:application_id>/procedure/": ACTION,
    "casework/applications/<int:application_id>/decision/": Visit(),
    "casework/applications/<int:application_id>/letter/": Visit(),
    "casework/applications/<int:application_id>/verification/": ACTION,
    "casework/findings/<int:finding_id>/": ACTION,
    "casework/documents/<int:document_id>/": Visit(),  # the attachment itself
    "casework/notices/": Visit(shows=OTHER_VILLAGE_NAME),
    "casework/notices/<int:notice_id>/": Visit(shows=OTHER_VILLAGE_NAME),  # names are masked
    "casework/notices/<int:notice_id>/close/": ACTION,
    "casework/notices/<int:notice_id>/objections/": ACTION,
    "casework/objections/<int:objection_id>/answer/": ACTION,
    "casework/entitlements/<int:entitlement_id>/": Visit(),
    "casework/entitlements/<int:entitlement_id>/review/": ACTION,
    "casework/reviews/<int:review_id>/": ACTION,
    "payments/": Visit(shows="532922"),  # the region's payrolls, by region code
    "payments/cycles/<int:cycle_id>/": Visit(),
    "payments/cycles/<int:cycle_id>/action/": ACTION,
    "payments/cycles/<int:cycle_id>/bank-file/": Visit(),  # the file names the payees
    "payments/cycles/<int:cycle_id>/return/": ACTION,
    "payments/cycles/<int:cycle_id>/cash-roll/": Visit(),
    "payments/exceptions/<int:exception_id>/": ACTION,
    "payments/lines/<int:line_id>/follow-up/": ACTION,
    "payments/lines/<int:line_id>/cash/": ACTION,
    "payments/cycles/<int:cycle_id>/sample/": ACTION,
    "payments/lines/<int:line_id>/visit/": ACTION,
    "payments/households/<int:household_id>/collectors/": FINDS,
    "payments/authorizations/<int:authorization_id>/revoke/": ACTION,
    "payments/households/<int:household_id>/recoveries/": FINDS,
    "payments/recoveries/<int:recovery_id>/waive/": ACTION,
    "payments/allocations/": Visit(shows="532922"),  # the area's allocations, by region code
    "payments/allocations/<int:allocation_id>/": Visit(shows="532922"),
    "payments/allocations/<int:allocation_id>/adjust/": ACTION,
    # A region outside the jurisdiction answers 404; the owner sees the payroll's row.
    "payments/ledger/": Visit(query={"region": "532922", "year": "2026"}, shows="532922 2026-12"),
    "portal/": NoRecords("the residents' public home page"),
    "portal/guide/": NoRecords("a program's public guide"),
    "portal/check/": NoRecords("a questionnaire: nothing stored, nobody's records"),
    # A citizen's pages: a staff session is no citizen's; tests/citizens walks them with two.
    "portal/sign-in/": NoRecords("the citizen's sign-in form"),
    "portal/sign-in/code/": NoRecords("the citizen's sign-in form"),
    "portal/sign-out/": NoRecords("signs a citizen out"),
    "portal/me/": NoRecords("the signed-in citizen's own page"),
    "portal/apply/": NoRecords("the signed-in citizen applies for their own household"),
    "portal/applications/<int:application_id>/letter/": NoRecords("a citizen's own letter"),
    "portal/requests/new/": NoRecords("a form to file a request"),
    "portal/requests/": NoRecords("the signed-in citizen's own requests"),
    "portal/requests/<int:request_id>/rate/": NoRecords("the citizen who filed it rates it"),
    "citizens/requests/": Visit(),  # the open requests of my area
    "citizens/requests/new/": NoRecords("a form to record a visit, a call or a hotline ticket"),
    "citizens/requests/report/": Visit(shows=OTHER_TOWNSHIP_NAME),  # per township and month
    "citizens/requests/<int:request_id>/": Visit(),
    "citizens/accounts/link/": NoRecords("a form; linking within one's area: tests/citizens"),
    "casework/households/<int:household_id>/": Visit(),  # what the household receives
    "casework/recipients/": Visit(),
    "casework/changes/<int:change_id>/close/": ACTION,
    "casework/relatives/": Visit(shows=None),  # the flagged applications of the area
    "casework/outreach/": Visit(shows=None),
    "casework/outreach/<int:candidate_id>/": ACTION,
    "casework/applications/<int:application_id>/relative-review/": ACTION,
    "api/v1/openapi.json": NoRecords("the API's schema"),
    "api/v1/docs": NoRecords("the API's documentation page"),
    "api/v1/": NoRecords("the API's index"),
    "api/v1/me": NoRecords("the caller only"),
    "api/v1/regions": Visit(query={"parent": "532922100"}, shows=OTHER_VILLAGE_NAME),
    "api/v1/jobs": Visit(),
    "api/v1/jobs/<job_id>": Visit(),
    "api/v1/jobs/<job_id>/retry": ACTION,
    "api/v1/registry/households": SEARCH,
    "api/v1/registry/households/<household_id>": Visit(),
    "api/v1/programs/evaluate": NoRecords("evaluates the facts it is sent"),
    "api/v1/programs/evaluate-batch": NoRecords("evaluates the facts it is sent"),
    "api/v1/programs/households/<household_id>/explain": FINDS,
    "api/v1/casework/applications": NoRecords("takes the application it is sent"),
    "api/v1/casework/applications/<application_id>": FINDS,
    "api/v1/casework/applications/<application_id>/step": ACTION,
    "api/v1/casework/entitlements": Visit(shows=None),
    "api/v1/casework/entitlements/<entitlement_id>": FINDS,
    "api/v1/payments/cycles": Visit(shows="532922"),
    "api/v1/payments/cycles/<cycle_id>": Visit(),
    "api/v1/payments/households/<household_id>/payments": FINDS,
    "api/v1/payments/allocations": Visit(shows="532922"),
    "api/v1/payments/allocations/<allocation_id>": Visit(shows="532922"),
}


def walk(patterns: list, prefix: str = "") -> Iterator[str]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def all_routes() -> list[str]:
    found = [r for r in walk(get_resolver().url_patterns) if not r.startswith(SKIPPED_PREFIXES)]
    routes = list(dict.fromkeys(r.lstrip("^").rstrip("$") for r in found))  # one per path
    assert len(routes) > 10, routes
    return routes


def kinds_in(route: str) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", route)


def fill(route: str, samples: dict[str, object]) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(samples[m.group(1)]), route)


def as_caseworker_who_supervises(user: User) -> User:
    """A caseworker who is also the county's auditor and administrator, so every page opens."""
    user.groups.add(*Group.objects.filter(name__in=[roles.AUDITOR, roles.ADMINISTRATOR]))
    return user


@pytest.fixture
def owner(caseworker_b) -> User:
    return as_caseworker_who_supervises(caseworker_b)


@pytest.fixture
def stranger(caseworker_a) -> User:
    return as_caseworker_who_supervises(caseworker_a)


@pytest.fixture
def other_county_samples(owner, settings, tmp_path) -> dict[str, object]:
    settings.VAR_DIR = tmp_path / "var"
    return {kind: make(owner) for kind, make in SAMPLES.items()}


def clients_of(user: User) -> dict[str, Client]:
    """The user's browser (a session) and API client (a token), by route prefix."""
    pages = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    pages.force_login(user)
    token = api_token_create(user=user, name="walk")[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    return {"pages": pages, "api": api}


def request(clients: dict[str, Client], route: str, url: str, method: str, visit: Visit):
    """One request, its changes rolled back: an action must not change what later routes see."""
    client = clients["api" if route.startswith(API_PREFIX) else "pages"]
    with transaction.atomic():
        if method == "get":
            response = client.get(url, visit.query)
        elif route.startswith(API_PREFIX):  # the API reads JSON bodies
            response = client.post(
                url + _query_string(visit.query), visit.data, content_type="application/json"
            )
        else:
            response = client.post(url + _query_string(visit.query), visit.data)
        transaction.set_rollback(True)
    return response


def _query_string(query: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return "?" + urlencode(query) if query else ""


def body(response) -> str:
    """The answer as text; JSON with its characters unescaped (it writes 乙 as \\u4e59)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(json.loads(content), ensure_ascii=False)
    return content.decode(errors="replace")


def test_every_route_says_how_it_is_walked():
    routes = all_routes()
    unlisted = [r for r in routes if r not in ROUTES]
    assert not unlisted, f"add these routes to ROUTES (a Visit, or NoRecords and why): {unlisted}"
    stale = [r for r in ROUTES if r not in routes]
    assert not stale, f"these routes are gone; remove them from ROUTES: {stale}"
    missing = {k for r in routes for k in kinds_in(r) if k not in SAMPLES}
    assert not missing, f"no jurisdiction sample for {missing}: add one to SAMPLES"


def test_the_owner_finds_the_records_on_every_route(owner, other_county_samples):
    """The control: without it, the walk below would also pass for routes that find nothing."""
    clients = clients_of(owner)
    failures = []
    checked = 0
    for route in all_routes():
        visit = ROUTES[route]
        if isinstance(visit, NoRecords):
            continue
        response = request(clients, route, fill(route, other_county_samples), visit.method, visit)
        if visit.shows is None:
            if response.status_code in (404, 405):
                failures.append(
                    f"{route}: the owner's {visit.method} answered {response.status_code}"
                )
        elif response.status_code != 200 or visit.shows not in body(response):
            failures.append(
                f"{route}: the owner's answer ({response.status_code}) lacks {visit.shows}"
            )
        checked += 1
    assert not failures, "\n".join(failures)
    assert checked == sum(not isinstance(v, NoRecords) for v in ROUTES.values())


def test_no_route_shows_another_countys_records(stranger, other_county_samples):
    clients = clients_of(stranger)
    failures = []
    for route in all_routes():
        visit = ROUTES[route]
        asked = visit if isinstance(visit, Visit) else Visit()
        url = fill(route, other_county_samples)
        if kinds_in(route):
            statuses = {
                request(clients, route, url, method, asked).status_code
                for method in ("get", "post")
            }
            if not (statuses <= {404, 405} and 404 in statuses):
                failures.append(f"{url} answered {statuses}")
            continue
        response = request(clients, route, url, asked.method, asked)
        if response.status_code not in (200, 302, 403, 404, 405):
            failures.append(f"{url}: {response.status_code}")
        shown = asked.shows or MARKER
        if shown in body(response) or MARKER in body(response):
            failures.append(f"{url} with {asked.query or asked.data} leaks {shown}")
    assert not failures, "\n".join(failures)
