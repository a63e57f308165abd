from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from huimin.core.translations import translations_check


class Command(BaseCommand):
    help = (
        "Fail on any untranslated, fuzzy, obsolete or unused entry of the Chinese catalogues, and "
        "on any message in a template or Python file that its catalogue lacks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--root", type=Path, default=Path(settings.BASE_DIR) / "huimin")
        parser.add_argument("--locale", default="zh_Hans")

    def handle(self, *args: object, **options: object) -> None:
        problems = translations_check(
            root=Path(str(options["root"])), locale=str(options["locale"])
        )
        for problem in problems:
            self.stdout.write(str(problem))
        if problems:
            raise CommandError(f"{len(problems)} translation problem(s)")
        self.stdout.write("translations: every message is translated")
