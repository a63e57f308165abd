"""Reform modules: a change to a program's criteria or benefit that parameters cannot express.

A scenario names one (`reform: {module: {name: ..., options: {...}}}`); the page offers the same
list. Each module takes the shipped program and returns a new one built from its expressions, with
`add_criterion`, `replace_criterion` or `replace_benefit` (`base.py`): a rule is never copied.
To add one: write a module here with a `REFORM` and list it below.
"""

from huimin.simulation.reforms.base import ReformDefinition
from huimin.simulation.reforms.dibao_asset_cap import REFORM as DIBAO_ASSET_CAP
from huimin.simulation.reforms.dibao_minimum_payment import REFORM as DIBAO_MINIMUM_PAYMENT

REFORM_MODULES: dict[str, ReformDefinition] = {
    reform.name: reform for reform in (DIBAO_MINIMUM_PAYMENT, DIBAO_ASSET_CAP)
}

__all__ = ["REFORM_MODULES", "ReformDefinition"]
