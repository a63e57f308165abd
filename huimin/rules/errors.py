"""Errors raised by the rules engine.

Every error is a `RulesError`; the Django side wraps them into its own error tree. Messages name
the thing that is wrong (the parameter, region and period; the household and field) so that a
caseworker or an administrator can act on them without reading a traceback.
"""


class RulesError(Exception):
    """Base of every error the rules engine raises."""


class ParameterError(RulesError):
    """A parameter file or an override record is malformed."""


class UnknownParameter(ParameterError):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown parameter {name!r}")
        self.name = name


class ParameterNotFound(ParameterError):
    """No value of a parameter applies to a region in a period: never a silent 0."""

    def __init__(self, name: str, region_code: str, period: str) -> None:
        super().__init__(
            f"parameter {name!r} has no value for region {region_code!r} in period {period}"
        )
        self.name = name
        self.region_code = region_code
        self.period = period


class PeriodError(RulesError):
    """A period is not a month written 'YYYY-MM'."""


class SchemaError(RulesError):
    """A population frame breaks the contract of `huimin.rules.schema`."""


class RecordError(RulesError):
    """A household given as plain records has a missing or malformed field."""


class UnknownProgram(RulesError):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown program {name!r}")
        self.name = name
