"""Building a reformed program from the shipped one, without copying its rules."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import polars as pl

from huimin.rules.program import Context, Criterion, Program, Stage
from huimin.simulation.scenario import _


@dataclass(frozen=True)
class Option:
    label_zh: str
    label_en: str
    default: int
    low: int
    high: int


@dataclass(frozen=True)
class ReformDefinition:
    name: str
    program: str
    title_zh: str
    title_en: str
    options: Mapping[str, Option]
    apply: Callable[[Program, Mapping[str, int]], Program]

    def check(self, options: Any) -> None:
        if not isinstance(options, Mapping):
            raise ValueError(_("options are a mapping of name to whole number"))
        for key, value in options.items():
            option = self.options.get(key)
            if option is None:
                raise ValueError(
                    _("unknown option %(key)s (known: %(known)s)")
                    % {"key": repr(key), "known": ", ".join(self.options)}
                )
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(
                    _("option %(key)s: %(value)s is not a whole number")
                    % {"key": repr(key), "value": repr(value)}
                )
            if not option.low <= value <= option.high:
                raise ValueError(
                    _("option %(key)s: %(value)s is not from %(low)s to %(high)s")
                    % {"key": repr(key), "value": value, "low": option.low, "high": option.high}
                )

    def with_defaults(self, options: Mapping[str, Any]) -> dict[str, int]:
        return {key: int(options.get(key, option.default)) for key, option in self.options.items()}


def add_criterion(program: Program, make: Callable[[Context], Criterion]) -> Program:
    """One more condition: computed and kept like the others, and a unit that fails it is not
    eligible and gets nothing."""

    def criteria(ctx: Context) -> list[Criterion]:
        return [*program.criteria(ctx), make(ctx)]

    def benefit(ctx: Context) -> list[Stage]:
        name = make(ctx).name
        return [
            *program.benefit(ctx),
            {
                "eligible": pl.col("eligible") & pl.col(name),
                "amount_fen": pl.when(pl.col(name))
                .then(pl.col("amount_fen"))
                .otherwise(0)
                .cast(pl.Int64),
            },
        ]

    return replace(program, criteria=criteria, benefit=benefit)


def replace_criterion(
    program: Program, name: str, make: Callable[[Context, Criterion], Criterion]
) -> Program:
    """A condition of the same name tested differently (the benefit reads it by name)."""

    def criteria(ctx: Context) -> list[Criterion]:
        found = program.criteria(ctx)
        if not any(c.name == name for c in found):
            raise KeyError(f"{program.name} has no criterion {name!r}")
        return [make(ctx, c) if c.name == name else c for c in found]

    return replace(program, criteria=criteria)


def replace_benefit(
    program: Program, name: str, make: Callable[[Context, pl.Expr], pl.Expr]
) -> Program:
    """One named expression of the benefit computed differently, from the shipped one."""

    def benefit(ctx: Context) -> list[Stage]:
        stages = program.benefit(ctx)
        if not any(name in stage for stage in stages):
            raise KeyError(f"{program.name} has no benefit expression {name!r}")
        return [
            {key: make(ctx, expr) if key == name else expr for key, expr in stage.items()}
            for stage in stages
        ]

    return replace(program, benefit=benefit)
