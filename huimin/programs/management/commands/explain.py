from django.core.management.base import BaseCommand, CommandError, CommandParser

from huimin.core.errors import HuiminError
from huimin.core.money import format_yuan
from huimin.programs.evaluation import household_excluded_incomes, household_explain
from huimin.registry.models import Household
from huimin.rules.letters import render_pre_assessment


class Command(BaseCommand):
    help = "Pre-assess every program for one registry household in a month (not a decision)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("household", help="the household's id or household number")
        parser.add_argument("--period", required=True, help="the month, YYYY-MM")
        parser.add_argument("--program", help="only this program")
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
        names = dict(household.members.values_list("id", "name"))
        wanted = [str(options["program"])] if options["program"] else list(explanation.programs)
        for name in wanted:
            for entry in explanation.programs[name]:
                langs = ["zh", "en"] if options["lang"] == "both" else [str(options["lang"])]
                person = names.get(entry.person_id, "") if entry.person_id is not None else ""
                for lang in langs:
                    self.stdout.write(render_pre_assessment(entry, lang, person_name=person))
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
