"""The staff Locust plays for bench/bench_load.py: a township's caseworkers and a county approver.

HUIMIN_LOAD_PLAN names the JSON file bench_load.py writes (the accounts, each with the open
applications that are theirs to advance; households to search for and open; the open
applications anyone may look at). Every request is appended, with its time as the client saw it
and its error, to the JSON list written to HUIMIN_LOAD_TIMES when Locust quits, so that
bench_load.py computes exact percentiles rather than Locust's rounded ones.

A page answers 200 or it is a failure: a redirect to the login page, a form shown again with
its errors (400) or a refusal counts as an error, never as a fast page.
"""

import itertools
import json
import os
import random
import re
import time
from pathlib import Path

from locust import HttpUser, between, events, task

PLAN = json.loads(Path(os.environ["HUIMIN_LOAD_PLAN"]).read_text())
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_caseworker_accounts = itertools.count()  # each simulated caseworker takes the next account
_requests: list[list] = []  # [name, milliseconds, error or "", sent at (Unix seconds)]


@events.request.add_listener
def _record(name: str, response_time: float, exception: BaseException | None, **_: object) -> None:
    error = "" if exception is None else f"{type(exception).__name__}: {exception}"[:300]
    sent = time.time() - response_time / 1000
    _requests.append([name, round(response_time, 2), error, round(sent, 3)])


@events.quitting.add_listener
def _write(**_: object) -> None:
    Path(os.environ["HUIMIN_LOAD_TIMES"]).write_text(json.dumps(_requests))


class Staff(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    account: dict

    def on_start(self) -> None:
        self.client.headers["Accept-Language"] = "zh-hans"
        self.own = list(self.account["applications"])
        token = self._page("/login/", "login page")
        self._post(
            "/login/",
            "login",
            {"username": self.account["username"], "password": self.account["password"]},
            token,
        )

    def _page(self, url: str, name: str, params: dict | None = None) -> str:
        """GET a page that must answer 200; its CSRF token, if it has a form."""
        with self.client.get(
            url, params=params, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} {response.headers.get('Location', '')}")
                return ""
            found = CSRF_FIELD.search(response.text)
            return found.group(1) if found else ""

    def _post(self, url: str, name: str, data: dict, token: str, then: str = "") -> None:
        """POST a form that must redirect (to `then`, when given), as Django's forms do."""
        with self.client.post(
            url,
            data={**data, "csrfmiddlewaretoken": token},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or not location.endswith(then):
                response.failure(f"{response.status_code} {location}")

    @task(3)
    def worklist(self) -> None:
        self._page("/casework/", "worklist")

    @task(1)
    def search_by_name(self) -> None:
        household = random.choice(PLAN["households"])
        self._page("/registry/", "search by name", {"q": household["name"]})

    @task(1)
    def search_by_number(self) -> None:
        household = random.choice(PLAN["households"])
        self._page("/registry/", "search by number", {"q": household["number"]})

    @task(2)
    def household(self) -> None:
        household = random.choice(PLAN["households"])
        self._page(f"/registry/households/{household['id']}/", "household")

    @task(2)
    def application(self) -> None:
        self._page(f"/casework/applications/{random.choice(PLAN['applications'])}/", "application")


class Caseworker(Staff):
    def on_start(self) -> None:
        self.account = PLAN["caseworkers"][next(_caseworker_accounts)]
        super().on_start()

    @task(1)
    def township_opinion(self) -> None:
        """Open one of their own applications and record the township's opinion on its form."""
        if not self.own:
            return
        page = f"/casework/applications/{self.own.pop()}/"
        token = self._page(page, "application")
        if token:
            self._post(
                f"{page}step/",
                "step: township opinion",
                {"recommend": "1", "note": "乡镇审核：同意上报。"},
                token,
                then=page,
            )


class Approver(Staff):
    fixed_count = 1  # one county approver; every other simulated user is a caseworker

    def on_start(self) -> None:
        self.account = PLAN["approver"]
        super().on_start()

    @task(1)
    def decide(self) -> None:
        """Read the decision page of an application waiting for the county and refuse it."""
        if not self.own:
            return
        application = self.own.pop()
        page = f"/casework/applications/{application}/decision/"
        token = self._page(page, "decision page")
        if token:
            self._post(
                page,
                "decide",
                {"outcome": "refuse", "note": "入户调查发现家庭收入超过标准。"},
                token,
                then=f"/casework/applications/{application}/",
            )
