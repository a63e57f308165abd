"""How a check reports: error frames of (row, column, message), messages with the cell's value."""

import numpy as np
import polars as pl

from huimin.registry.bulk.columns import ROW_COLUMN

ERROR_SCHEMA = {ROW_COLUMN: pl.Int64, "column": pl.Utf8, "message": pl.Utf8}


def with_value(template: str, value: pl.Expr) -> pl.Expr:
    """A translated message with the cell's value put where it says %(value)s."""
    before, _sep, after = template.partition("%(value)s")
    return pl.concat_str([pl.lit(before), value, pl.lit(after)])


def errors_where(frame: pl.DataFrame, message: pl.Expr, column: str) -> pl.DataFrame:
    return (
        frame.select(pl.col(ROW_COLUMN), message.alias("message"))
        .filter(pl.col("message").is_not_null())
        .select(pl.col(ROW_COLUMN), pl.lit(column).alias("column"), pl.col("message"))
    )


def typed_errors(
    typed: pl.DataFrame, condition: pl.Expr, column: str, message: pl.Expr | str
) -> pl.DataFrame:
    text = pl.lit(message) if isinstance(message, str) else message
    return errors_where(typed, pl.when(condition).then(text), column)


def rows_frame(rows: np.ndarray, column: str, message: str) -> pl.DataFrame:
    return pl.DataFrame(
        {
            ROW_COLUMN: rows.astype(np.int64),
            "column": [column] * len(rows),
            "message": [message] * len(rows),
        },
        schema=ERROR_SCHEMA,
    )
