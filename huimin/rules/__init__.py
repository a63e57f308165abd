"""Huimin policy as code: parameters, programs, evaluate and explain. No Django inside.

from huimin.rules import load_parameters, frames_from_records, evaluate, explain, render_letter
population = frames_from_records([household])      # or Population(households, persons, incomes)
results = evaluate(population, "2026-11")           # program -> frame
explanation = explain(household, "2026-11")
print(render_letter(explanation.for_program("dibao")))
"""

from huimin.rules.engine import evaluate
from huimin.rules.errors import ParameterNotFound, RulesError, SchemaError
from huimin.rules.explain import Explanation, ProgramExplanation, explain, explain_many
from huimin.rules.holding import find_conflicts, may_hold_together
from huimin.rules.letters import render_letter
from huimin.rules.parameters import ParameterSet, load_parameters, resolve, scale, set_to
from huimin.rules.population import Population
from huimin.rules.programs import PROGRAMS
from huimin.rules.records import frames_from_records

__all__ = [
    "PROGRAMS",
    "Explanation",
    "ParameterNotFound",
    "ParameterSet",
    "Population",
    "ProgramExplanation",
    "RulesError",
    "SchemaError",
    "evaluate",
    "explain",
    "explain_many",
    "find_conflicts",
    "frames_from_records",
    "load_parameters",
    "may_hold_together",
    "render_letter",
    "resolve",
    "scale",
    "set_to",
]
