import os
import subprocess
import sys

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandParser

from huimin.core.demo import DEMO_PASSWORD, DEMO_USERS, demo_users_create
from huimin.env import env_bool


class Command(BaseCommand):
    help = "Set up the demo (migrate, regions, users, population) and serve it with a worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="set up, then exit")
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--persons", type=int, default=20000, help="demo population size")

    def handle(self, *args: object, **options: object) -> None:
        call_command("migrate", verbosity=0)
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
        if options["no_serve"] or env_bool("HUIMIN_DEMO_NO_SERVE"):
            return
        self._serve(str(options["addrport"]))

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
            self.stdout.write(f"\nServing on http://{addrport}/ (Ctrl-C stops server and worker)")
            call_command("runserver", addrport, use_reloader=False, insecure_serving=True)
        finally:
            worker.terminate()
            worker.wait(timeout=10)
