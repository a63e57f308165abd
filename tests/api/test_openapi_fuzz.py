"""Every API operation, fuzzed from the API's own OpenAPI document.

A caseworker with data in their county calls each operation with generated input: no answer is a
5xx, and every answer (status, content type, body) is one the document promises, so a client
generated from the document can rely on it. Runs in-process on SQLite and PostgreSQL alike.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from huimin.api.api import api
from huimin.core.services import api_token_create, job_create
from huimin.wsgi import application
from tests.conftest import VILLAGE_B
from tests.registry.factories import make_household

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# The coverage phase enumerates every boundary of every field, hundreds of cases per operation;
# bounded random examples keep the suite fast and still reach the edges often.
CONFIG = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}})
schema = schemathesis.openapi.from_dict(
    api.get_openapi_schema(path_prefix="/api/v1/"), config=CONFIG
)
schema.app = application

# Ids of records that exist, filled in by the fixture: a path id is one of them half the time,
# so reads and changes reach real records and not only 404s.
EXISTING: dict[str, list[int]] = {"household_id": [], "job_id": []}


@schema.hook
def flatmap_path_parameters(context, path_parameters):  # type: ignore[no-untyped-def]
    if not path_parameters:
        return st.just(path_parameters)
    choices = [path_parameters]
    for name, ids in EXISTING.items():
        if name in path_parameters and ids:
            choices += [{**path_parameters, name: known} for known in ids]
    return st.sampled_from(choices)


@pytest.fixture
def keep_the_test_connection():
    """Calling the WSGI app directly fires the request signals that close the database connection,
    which on PostgreSQL ends the test's transaction; Django's test client disconnects them too."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def caseworker_token(caseworker_a, caseworker_b) -> str:
    households = [make_household(caseworker_a, head=f"张{n}") for n in range(3)]
    theirs = make_household(caseworker_b, VILLAGE_B, head="远方的人")
    EXISTING["household_id"] = [h.pk for h in households] + [theirs.pk]
    EXISTING["job_id"] = [job_create(owner=caseworker_a, kind="k", title="导入").pk]
    return api_token_create(user=caseworker_a, name="fuzz")[1]


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_it_answers_every_generated_request_as_documented(
    case, caseworker_token, keep_the_test_connection
):
    case.call_and_validate(headers={"Authorization": f"Bearer {caseworker_token}"}, checks=CHECKS)
