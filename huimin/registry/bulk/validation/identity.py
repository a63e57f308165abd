"""Identity numbers: shape, check digit, birth date inside, Excel damage, repeats in the file."""

from datetime import date

import numpy as np
import polars as pl
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.registry.bulk.columns import ROW_COLUMN
from huimin.registry.bulk.reading import FileContent
from huimin.registry.bulk.validation._frames import rows_frame, with_value

ID_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)], dtype=np.int64)

ID_CHECK_CHARS = "10X98765432"


def derived_from_id() -> list[pl.Expr]:
    number = pl.col("id_number")
    return [
        number.str.slice(6, 8).str.strptime(pl.Date, "%Y%m%d", strict=False).alias("id_birth_date"),
        pl.when(number.str.slice(16, 1).cast(pl.Int64, strict=False) % 2 == 1)
        .then(pl.lit("M"))
        .otherwise(pl.lit("F"))
        .alias("id_sex"),
    ]


def id_checksum_ok(numbers: pl.Series) -> np.ndarray:
    """ISO 7064 MOD 11-2 check of 18-character identity numbers, vectorized (GB 11643)."""
    shaped = numbers.str.contains(r"^[0-9]{17}[0-9X]$").fill_null(False).to_numpy()
    body = numbers.str.slice(0, 17).cast(pl.Int64, strict=False).fill_null(0).to_numpy()
    total = np.zeros(len(body), dtype=np.int64)
    for position, weight in enumerate(ID_WEIGHTS):
        total += (body // 10 ** (16 - position)) % 10 * weight
    expected = np.array(list(ID_CHECK_CHARS))[total % 11]
    given = numbers.str.slice(17, 1).fill_null("").to_numpy()
    return shaped & (expected == given)


def id_number_errors(
    frame: pl.DataFrame, typed: pl.DataFrame, content: FileContent
) -> list[pl.DataFrame]:
    numbers = typed["id_number"]
    filled = (numbers != "").to_numpy()
    right_shape = numbers.str.contains(r"^[0-9]{17}[0-9X]$").to_numpy()
    checksum = id_checksum_ok(numbers)
    birth = typed["id_birth_date"]
    today = timezone.localdate()
    date_ok = (birth.is_not_null() & (birth <= today) & (birth >= date(1880, 1, 1))).to_numpy()
    rows = typed[ROW_COLUMN].to_numpy()
    problems: list[tuple[np.ndarray, str]] = [
        (
            filled & ~right_shape,
            _("An identity number has 18 characters: 17 digits, then a digit or X."),
        ),
        (
            filled & right_shape & ~checksum,
            _("The identity number's check digit is wrong: a digit was probably mistyped."),
        ),
        (
            filled & checksum & ~date_ok,
            _("The birth date inside the identity number (digits 7 to 14) is not a real date."),
        ),
    ]
    numeric_rows = set(content.numeric_cells.get("id_number", []))
    if numeric_rows:
        problems.append(
            (
                np.isin(rows, list(numeric_rows)),
                _(
                    "Excel stored this identity number as a number, which loses its last digits: "
                    "format the column as text and type the number again."
                ),
            )
        )
    return [rows_frame(rows[mask], "id_number", message) for mask, message in problems]


def duplicate_errors(typed: pl.DataFrame) -> list[pl.DataFrame]:
    with_id = typed.filter(pl.col("id_number") != "").select(ROW_COLUMN, "id_number")
    others = (
        with_id.group_by("id_number")
        .agg(pl.col(ROW_COLUMN).alias("rows"))
        .filter(pl.col("rows").list.len() > 1)
    )
    if others.height == 0:
        return []
    joined = with_id.join(others, on="id_number").with_columns(
        pl.col("rows").list.eval(pl.element().cast(pl.Utf8)).list.join("、").alias("rows_text")
    )
    message = _("The same identity number appears more than once in the file, on rows %(value)s.")
    return [
        joined.select(
            pl.col(ROW_COLUMN),
            pl.lit("id_number").alias("column"),
            with_value(message, pl.col("rows_text")).alias("message"),
        )
    ]
