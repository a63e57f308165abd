"""An explanation shaped for the eligibility page: one card per program, in the reader's language."""

from dataclasses import dataclass, field

from huimin.core.money import format_yuan
from huimin.rules import Explanation, ProgramExplanation, render_letter
from huimin.rules.explain import CriterionResult

OPERATOR_WORDS = {"<": "<", "<=": "≤", ">=": "≥", ">": ">", "==": "=", "!=": "≠"}


@dataclass
class CriterionLine:
    text: str
    passed: bool
    value: str
    rule: str
    clause: str


@dataclass
class Entry:
    who: str
    eligible: bool
    amount_fen: int
    computation: str
    criteria: list[CriterionLine]
    letter: str

    @property
    def failed(self) -> str:
        return "；".join(line.text for line in self.criteria if not line.passed)


@dataclass
class Card:
    program: str
    title: str
    entries: list[Entry] = field(default_factory=list)

    @property
    def eligible_entries(self) -> list[Entry]:
        return [e for e in self.entries if e.eligible]

    @property
    def total_fen(self) -> int:
        return sum(e.amount_fen for e in self.entries if e.eligible)


def program_cards(
    explanation: Explanation, names: dict[int, str], *, chinese: bool, household_no: str
) -> list[Card]:
    cards = []
    for name, entries in explanation.programs.items():
        first = entries[0]
        card = Card(name, first.title_zh if chinese else first.title_en)
        card.entries = [_entry(e, names, chinese, household_no) for e in entries]
        cards.append(card)
    # Programs that pay come first: that is what the caseworker acts on.
    return sorted(cards, key=lambda c: not c.eligible_entries)


def _entry(
    entry: ProgramExplanation, names: dict[int, str], chinese: bool, household_no: str
) -> Entry:
    who = names.get(entry.person_id, str(entry.person_id)) if entry.person_id is not None else ""
    return Entry(
        who=who,
        eligible=entry.eligible,
        amount_fen=entry.amount_fen,
        computation=entry.computation_zh if chinese else entry.computation_en,
        criteria=[_criterion(c, chinese) for c in entry.criteria],
        letter=render_letter(entry, "zh" if chinese else "en", household_label=household_no),
    )


def _criterion(criterion: CriterionResult, chinese: bool) -> CriterionLine:
    rule = ""
    if criterion.op is not None and criterion.threshold is not None:
        rule = f"{OPERATOR_WORDS.get(criterion.op, criterion.op)} {_shown(criterion.threshold, criterion.unit)}"
    return CriterionLine(
        text=criterion.zh if chinese else criterion.en,
        passed=criterion.passed,
        value=_shown(criterion.value, criterion.unit),
        rule=rule,
        clause=criterion.clause,
    )


def _shown(value: object, unit: str) -> str:
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if unit.startswith("fen") and isinstance(value, int | float):
        return format_yuan(round(value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
