import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import BaseCommand, CommandError, CommandParser

from huimin.core.demo import DEMO_PASSWORD, DEMO_USERS, demo_ready_message, demo_users_create
from huimin.core.static_collect import collect_static_if_changed
from huimin.env import env_bool


class Command(BaseCommand):
    help = "Set up the demo (migrate, regions, users, population) and serve it with a worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="set up, then exit")
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--persons", type=int, default=20000, help="demo population size")

    def handle(self, *args: object, **options: object) -> None:
        if settings.HUIMIN_ENV != "demo":
            raise CommandError(
                f"HUIMIN_ENV is {settings.HUIMIN_ENV!r}: the demo (public keys, invented people) "
                "sets up only where HUIMIN_ENV=demo, in the environment or the .env file "
                "(`make demo` writes one when there is none)"
            )
        call_command("migrate", verbosity=0)
        # Served by the application itself (WhiteNoise) under hashed names, as in production.
        collect_static_if_changed()
        call_command("load_regions", stdout=self.stdout)
        created = demo_users_create()
        self.stdout.write(f"demo users: {len(created)} created")
        if "generate" in get_commands():
            call_command(
                "generate",
                "--region",
                "5329",
                "--persons",
                str(options["persons"]),
                "--seed",
                "2026",
                "--if-empty",
                stdout=self.stdout,
            )
        self._print_logins()
        addrport = str(options["addrport"])
        if options["no_serve"] or env_bool("HUIMIN_DEMO_NO_SERVE"):
            self.stdout.write(f"\n{demo_ready_message(addrport, serving=False)}")
            return
        self._serve(addrport)

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
