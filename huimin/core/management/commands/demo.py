import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import BaseCommand, CommandError, CommandParser

from huimin.core.demo import DEMO_PASSWORD, DEMO_USERS, demo_ready_message, demo_users_create
from huimin.core.static_collect import collect_static_if_changed
from huimin.env import env_bool

DEMO_COUNTY, DEMO_OTHER_COUNTY = "532901", "532922"
# Enough people in 532901 for its caseload of 5,534 persons covered (about one in nine of the
# generated people is eligible for something); a small second county for its caseworker.
DEMO_COUNTY_PERSONS, DEMO_OTHER_PERSONS = 56_000, 2_000


class Command(BaseCommand):
    help = "Set up the demo (migrate, regions, users, population) and serve it with a worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="set up, then exit")
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument(
            "--persons",
            type=int,
            default=DEMO_COUNTY_PERSONS,
            help="population of the caseworker's county (532901)",
        )
        parser.add_argument(
            "--other-persons",
            type=int,
            default=DEMO_OTHER_PERSONS,
            help="population of the second county (532922)",
        )

    def handle(self, *args: object, **options: object) -> None:
        if settings.HUIMIN_ENV != "demo":
            raise CommandError(
                f"HUIMIN_ENV is {settings.HUIMIN_ENV!r}: the demo (public keys, invented people) "
                "sets up only where HUIMIN_ENV=demo, in the environment or the .env file "
                "(`make demo` writes one when there is none)"
            )
        with self._phase("migrate"):
            call_command("migrate", verbosity=0)
        with self._phase("collectstatic"):
            # Served by the application itself (WhiteNoise) under hashed names, as in production.
            collect_static_if_changed()
        with self._phase("regions"):
            call_command("load_regions", stdout=self.stdout)
        with self._phase("users"):
            created = demo_users_create()
            self.stdout.write(f"demo users: {len(created)} created")
        if "generate" in get_commands():
            with self._phase("generate"):
                self._generate(int(options["persons"]), int(options["other_persons"]))  # type: ignore[call-overload]
            with self._phase("casework"):
                self._caseload(int(options["persons"]))  # type: ignore[call-overload]
        self._print_logins()
        addrport = str(options["addrport"])
        if options["no_serve"] or env_bool("HUIMIN_DEMO_NO_SERVE"):
            self.stdout.write(f"\n{demo_ready_message(addrport, serving=False)}")
            return
        self._serve(addrport)

    @contextmanager
    def _phase(self, name: str) -> Iterator[None]:
        # Wall and processor time: on a shared machine the second says what a quiet one takes.
        started, cpu = time.perf_counter(), time.process_time()
        yield
        wall, used = time.perf_counter() - started, time.process_time() - cpu
        self.stdout.write(f"  [{name}: {wall:.1f} s, processor {used:.1f} s]")

    def _generate(self, county_persons: int, other_persons: int) -> None:
        """Most of the demo's people live in the caseworker's county, enough for its caseload;
        the second county has a few for its own caseworker. Nothing when people exist."""
        from huimin.registry.models import Household

        if Household.objects.exists():
            self.stdout.write("generate: the registry already has households; nothing done")
            return
        for region, persons, seed in (
            (DEMO_COUNTY, county_persons, "2026"),
            (DEMO_OTHER_COUNTY, other_persons, "2027"),
        ):
            if persons > 0:
                call_command(
                    "generate",
                    "--region",
                    region,
                    "--persons",
                    str(persons),
                    "--seed",
                    seed,
                    stdout=self.stdout,
                )

    def _caseload(self, county_persons: int) -> None:
        """The caseload, in proportion to the county's people when fewer were generated."""
        from huimin.casework.demo import DemoTooSmall, demo_caseload_build, demo_caseload_summary

        try:
            made = demo_caseload_build(scale=min(1.0, county_persons / DEMO_COUNTY_PERSONS))
        except DemoTooSmall as small:
            self.stdout.write(f"casework: no demo caseload: {small}")
            return
        if made is None:
            self.stdout.write("casework: the demo caseload exists; nothing done")
            return
        self.stdout.write(demo_caseload_summary())

    def _print_logins(self) -> None:
        self.stdout.write(f"\nDemo users (password for all: {DEMO_PASSWORD}):")
        for demo in DEMO_USERS:
            self.stdout.write(f"  {demo.username:<20} {demo.role:<15} {', '.join(demo.regions)}")

    def _serve(self, addrport: str) -> None:
        # The worker runs beside the server so that jobs started in the pages make progress.
        worker = subprocess.Popen(
            [sys.executable, "-m", "huimin.manage", "worker"], env=os.environ.copy()
        )  # noqa: S603
        try:
            call_command(_demo_runserver(), addrport, use_reloader=False)
        finally:
            worker.terminate()
            worker.wait(timeout=10)


def _demo_runserver() -> BaseCommand:
    """`runserver` (WhiteNoise's, serving no static files of its own) that, once listening,
    says last where to open the demo and with which password."""
    runserver = load_command_class("whitenoise.runserver_nostatic", "runserver")

    class DemoRunserver(type(runserver)):  # type: ignore[misc]
        def on_bind(self, server_port: int) -> None:
            super().on_bind(server_port)
            self.stdout.write(f"\n{demo_ready_message(f'{self.addr}:{server_port}', serving=True)}")
            self.stdout.flush()

    return DemoRunserver()
