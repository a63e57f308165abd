"""`huimin casework_carry_over FILE.csv --actor USERNAME`: an office's caseload into Huimin.

The CSV (UTF-8, a header line) has one case per line:

    household_no,id_number,program,decision_number,decided_on,start_month,review_due
    5329010030010001,,dibao,大理市民政局〔2024〕17号,2024-03-12,2024-04,
    5329010030010002,532901193902170021,old_age,大理市民政局〔2023〕5号,2023-01-09,2023-02,2027-01-31

`id_number` is the recipient of a person's allowance (empty for dibao: the head applies);
`review_due` is the next review the previous system had set (empty: on the entitlement's own
rhythm). The file is carried over whole or not at all: every line is checked (the household and
the person found, the rules run on the registry's facts) and one refused line refuses the file,
with every refused line and why.
"""

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from huimin.casework.services import CarryOverRefused, CarryOverRow, caseload_carry_over
from huimin.core.errors import HuiminError
from huimin.core.models import User
from huimin.core.pii import blind_index_candidates_many
from huimin.registry.models import Household, Person

COLUMNS = ("household_no", "id_number", "program", "decision_number", "decided_on", "start_month")
SHOWN = 50


class Command(BaseCommand):
    help = "Carry an office's caseload over from its previous system (a CSV file)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--actor", required=True, help="the approver who carries it over")
        parser.add_argument("--on", type=dt.date.fromisoformat, help="the day (default today)")
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args: object, **options: Any) -> None:
        actor = User.objects.filter(username=options["actor"], is_active=True).first()
        if actor is None:
            raise CommandError(f"no active user {options['actor']!r}")
        lines = _read(options["file"])
        rows = _rows(lines)
        size = max(int(options["batch_size"]), 1)
        made = monthly = 0
        try:
            with transaction.atomic():  # the whole file or nothing
                for start in range(0, len(rows), size):
                    try:
                        result = caseload_carry_over(
                            actor=actor, rows=rows[start : start + size], on=options["on"]
                        )
                    except CarryOverRefused as refused:
                        raise CommandError(_refused_lines(refused, first_line=start + 2)) from None
                    made += len(result.entitlements)
                    monthly += result.monthly_fen
        except HuiminError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"carried over {made} entitlements, {monthly / 100:,.2f} yuan a month, "
            f"from {options['file']}"
        )


def _read(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            reader = csv.DictReader(file)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise CommandError(f"{path}: the header lacks {', '.join(missing)}")
            lines = [{k: (v or "").strip() for k, v in line.items() if k} for line in reader]
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"{path}: {error}") from error
    if not lines:
        raise CommandError(f"{path}: no lines after the header")
    return lines


def _rows(lines: list[dict[str, str]]) -> list[CarryOverRow]:
    """The lines as rows, or every line that names no household or person, a bad date."""
    households = Household.objects.in_bulk(
        {line["household_no"] for line in lines}, field_name="household_no"
    )
    people = _people([line["id_number"] for line in lines if line["id_number"]])
    rows, problems = [], []
    for number, line in enumerate(lines, start=2):
        try:
            rows.append(_row(line, households, people))
        except ValueError as problem:
            problems.append(f"line {number}: {problem}")
    if problems:
        raise CommandError(
            f"nothing carried over, {len(problems)} lines are wrong: " + "; ".join(problems[:SHOWN])
        )
    return rows


def _people(id_numbers: list[str]) -> dict[str, Person]:
    if not id_numbers:
        return {}
    found: dict[str, Person] = {}
    for indexes in blind_index_candidates_many(id_numbers):
        by_index = Person.objects.in_bulk(set(indexes), field_name="id_number_index")
        for number, index in zip(id_numbers, indexes, strict=True):
            if index in by_index:
                found.setdefault(number, by_index[index])
    return found


def _row(
    line: dict[str, str], households: dict[str, Household], people: dict[str, Person]
) -> CarryOverRow:
    household = households.get(line["household_no"])
    if household is None:
        raise ValueError(f"no household {line['household_no']!r} in the registry")
    person = None
    if line["id_number"]:
        person = people.get(line["id_number"])
        if person is None:
            raise ValueError("no person with that identity number in the registry")
    return CarryOverRow(
        household=household,
        program=line["program"],
        person=person,
        decision_number=line["decision_number"],
        decided_on=_day(line["decided_on"], "decided_on"),
        start_month=_month(line["start_month"]),
        review_due=_day(line["review_due"], "review_due") if line.get("review_due") else None,
    )


def _day(text: str, column: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{column} {text!r} is not a date like 2024-03-12") from None


def _month(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(f"{text[:7]}-01")
    except ValueError:
        raise ValueError(f"start_month {text!r} is not a month like 2024-04") from None


def _refused_lines(refused: CarryOverRefused, *, first_line: int) -> str:
    lines = [
        f"line {first_line + number - 1}: {reason}" for number, reason in refused.refused[:SHOWN]
    ]
    return f"nothing carried over, {len(refused.refused)} lines are refused: " + "; ".join(lines)
