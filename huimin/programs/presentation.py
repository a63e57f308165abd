"""An explanation shaped for the eligibility page: one card per program, in the reader's language.

Every value is worded for a person (huimin.rules.wording): booleans as yes/no, enumerations by
their labels, money in yuan, counts with units; a clause by the regulation's name and article,
its code kept for the tooltip. The page shows a pre-assessment, never a decision letter.
"""

from dataclasses import dataclass, field

from huimin.rules import Explanation, ProgramExplanation
from huimin.rules.explain import CriterionResult
from huimin.rules.letters import example_parameters, render_pre_assessment
from huimin.rules.wording import NO_CLAUSE, clause_words, parameter_words, rule_words, value_words


@dataclass
class CriterionLine:
    text: str
    passed: bool
    value: str
    rule: str
    clause: str  # the regulation's name and article, in words
    clause_code: str  # the code the rule cites, for the tooltip ("" when there is none)


@dataclass
class Entry:
    who: str
    eligible: bool
    amount_fen: int
    computation: str
    criteria: list[CriterionLine]
    pre_assessment: str
    examples: list[str]  # the example values the result rests on, named in words

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

    @property
    def examples(self) -> list[str]:
        """Example values behind an amount this card pays, each named once."""
        named: list[str] = []
        for entry in self.eligible_entries:
            named += [name for name in entry.examples if name not in named]
        return named


def program_cards(explanation: Explanation, names: dict[int, str], *, chinese: bool) -> list[Card]:
    lang = "zh" if chinese else "en"
    cards = []
    for name, entries in explanation.programs.items():
        first = entries[0]
        card = Card(name, first.title_zh if chinese else first.title_en)
        card.entries = [_entry(e, names, lang) for e in entries]
        cards.append(card)
    # Programs that pay come first: that is what the caseworker acts on.
    return sorted(cards, key=lambda c: not c.eligible_entries)


def _entry(entry: ProgramExplanation, names: dict[int, str], lang: str) -> Entry:
    who = names.get(entry.person_id, "") if entry.person_id is not None else ""
    return Entry(
        who=who,
        eligible=entry.eligible,
        amount_fen=entry.amount_fen,
        computation=entry.computation_zh if lang == "zh" else entry.computation_en,
        criteria=[_criterion(c, lang) for c in entry.criteria],
        pre_assessment=render_pre_assessment(entry, lang, person_name=who),
        examples=[parameter_words(use.name, lang) for use in example_parameters(entry)],
    )


def _criterion(criterion: CriterionResult, lang: str) -> CriterionLine:
    c = criterion
    rule = ""
    if c.op is not None and c.threshold is not None:
        rule = rule_words(c.op, c.threshold, c.unit, lang, criterion=c.name)
    return CriterionLine(
        text=c.zh if lang == "zh" else c.en,
        passed=c.passed,
        value=value_words(c.value, c.unit, lang, criterion=c.name),
        rule=rule,
        clause=clause_words(c.clause, lang),
        clause_code="" if c.clause == NO_CLAUSE else c.clause,
    )
