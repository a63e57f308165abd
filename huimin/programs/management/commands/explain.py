from django.core.management.base import BaseCommand, CommandError, CommandParser

from huimin.core.errors import HuiminError
from huimin.core.money import format_yuan
from huimin.programs.evaluation import household_excluded_incomes, household_explain
from huimin.registry.models import Household
from huimin.rules import render_letter


class Command(BaseCommand):
    help = "Explain every program's decision for one registry household in a month."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("household", help="the household's id or household number")
        parser.add_argument("--period", required=True, help="the month, YYYY-MM")
        parser.add_argument("--program", help="only this program, with its decision letter")
        parser.add_argument("--lang", choices=["zh", "en", "both"], default="both")

    def handle(self, *args: object, **options: object) -> None:
        key = str(options["household"])
        household = Household.objects.filter(household_no=key).first()
        if household is None and key.isdigit():
            household = Household.objects.filter(pk=int(key)).first()
        if household is None:
            raise CommandError(f"no household with id or number {key}")
        try:
            explanation = household_explain(household=household, period=str(options["period"]))
        except HuiminError as error:
            raise CommandError(error.message) from error
        wanted = [str(options["program"])] if options["program"] else list(explanation.programs)
        for name in wanted:
            for entry in explanation.programs[name]:
                letter = render_letter(
                    entry, lang=str(options["lang"]), household_label=household.household_no
                )
                self.stdout.write(letter)
                self.stdout.write("-" * 72)
        for conflict in explanation.conflicts:
            self.stdout.write(self.style.WARNING(str(conflict)))
        for income in household_excluded_incomes(
            household=household, period=str(options["period"])
        ):
            self.stdout.write(
                self.style.WARNING(
                    f"not counted by any program, excluded by a caseworker: {income.person_name}, "
                    f"{income.income_type} {format_yuan(income.monthly_fen)} yuan a month "
                    f"because: {income.reason}"
                )
            )
