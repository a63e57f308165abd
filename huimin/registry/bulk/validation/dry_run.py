"""The dry run over a whole file: every check, then which rows can go in."""

import polars as pl

from huimin.core.models import User
from huimin.registry.bulk.columns import COLUMNS, ROW_COLUMN
from huimin.registry.bulk.reading import FileContent
from huimin.registry.bulk.validation._frames import ERROR_SCHEMA, errors_where
from huimin.registry.bulk.validation.cells import parse_column, raw_aliases
from huimin.registry.bulk.validation.households import household_errors
from huimin.registry.bulk.validation.identity import (
    derived_from_id,
    duplicate_errors,
    id_number_errors,
)
from huimin.registry.bulk.validation.known import (
    drop_merge_columns,
    merge_known,
    transition_errors,
)
from huimin.registry.bulk.validation.outcome import CheckResult, reject
from huimin.registry.bulk.validation.person_rules import person_rule_errors
from huimin.registry.bulk.validation.registry import (
    attach_registry,
    registry_errors,
    village_errors,
)


def check_file(content: FileContent, *, user: User) -> CheckResult:
    frame = content.frame
    errors: list[pl.DataFrame] = []
    parsed: dict[str, pl.Expr] = {}
    for column in COLUMNS:
        value, problems = parse_column(column)
        parsed[column.key] = value
        errors.extend(errors_where(frame, problem, column.key) for problem in problems)
    typed = frame.select(pl.col(ROW_COLUMN), **raw_aliases(), **parsed)
    typed = typed.with_columns(derived_from_id())
    errors.extend(id_number_errors(frame, typed, content))
    errors.extend(village_errors(typed, user))
    errors.extend(duplicate_errors(typed))
    typed = attach_registry(typed)
    # Known persons are judged as they will stand: their empty cells keep the registry's values.
    typed = merge_known(frame, typed)
    errors.extend(transition_errors(typed))
    typed = drop_merge_columns(typed)
    errors.extend(person_rule_errors(typed))
    errors.extend(registry_errors(typed, user))
    errors.extend(household_errors(typed))
    all_errors = (
        pl.concat([e for e in errors if e.height], how="vertical")
        if any(e.height for e in errors)
        else pl.DataFrame(schema=ERROR_SCHEMA)
    ).sort(ROW_COLUMN, maintain_order=True)
    return reject(typed, all_errors)
