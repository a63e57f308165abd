"""Which rows go in: a household with one wrong row is refused whole; the result of the dry run."""

from dataclasses import dataclass, field

import polars as pl
from django.utils.translation import gettext as _

from huimin.registry.bulk.columns import BY_KEY, ROW_COLUMN
from huimin.registry.bulk.validation._frames import with_value


@dataclass
class CheckResult:
    """The outcome of a dry run.

    `frame` holds every file row with parsed, typed values (columns named as in the template, plus
    `id_index`, `person_id`, `household_id` of matching registry records, and `rejected`).
    """

    frame: pl.DataFrame
    errors: pl.DataFrame  # __row, column, message: real problems, in row order
    knock_on: pl.DataFrame  # __row, message: rows refused only because their household was
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def accepted(self) -> pl.DataFrame:
        return self.frame.filter(~pl.col("rejected"))

    def error_text_by_row(self) -> dict[int, str]:
        """Row -> every reason for refusing it, joined, for the rejected-rows file."""
        texts: dict[int, list[str]] = {}
        for row, column, message in self.errors.iter_rows():
            label = BY_KEY[column].label_zh if column in BY_KEY else ""
            texts.setdefault(row, []).append(f"{label}：{message}" if label else message)
        for row, message in self.knock_on.iter_rows():
            texts.setdefault(row, []).append(message)
        return {row: "；".join(parts) for row, parts in texts.items()}


def reject(typed: pl.DataFrame, errors: pl.DataFrame) -> CheckResult:
    bad_rows = errors[ROW_COLUMN].unique()
    wrong = typed.filter(pl.col(ROW_COLUMN).is_in(bad_rows.implode()))
    bad_households = (
        wrong.filter(pl.col("household_no") != "")
        .group_by("household_no")
        .agg(pl.col(ROW_COLUMN).min().alias("first_bad_row"))
    )
    typed = typed.join(bad_households, on="household_no", how="left").with_columns(
        (
            pl.col(ROW_COLUMN).is_in(bad_rows.implode()) | pl.col("first_bad_row").is_not_null()
        ).alias("rejected")
    )
    message = _("Not imported because row %(value)s of the same household has an error.")
    knock_on = typed.filter(
        pl.col("rejected") & ~pl.col(ROW_COLUMN).is_in(bad_rows.implode())
    ).select(
        pl.col(ROW_COLUMN),
        with_value(message, pl.col("first_bad_row").cast(pl.Utf8)).alias("message"),
    )
    counts = _counts(typed, errors, bad_rows, bad_households)
    return CheckResult(
        frame=typed.drop("first_bad_row"), errors=errors, knock_on=knock_on, counts=counts
    )


def _counts(
    typed: pl.DataFrame, errors: pl.DataFrame, bad_rows: pl.Series, bad_households: pl.DataFrame
) -> dict[str, int]:
    accepted = typed.filter(~pl.col("rejected"))
    return {
        "rows": typed.height,
        "rows_with_errors": bad_rows.len(),
        "rows_rejected": typed.height - accepted.height,
        "rows_accepted": accepted.height,
        "errors": errors.height,
        "households": typed["household_no"].n_unique(),
        "households_rejected": bad_households.height,
        "persons_new": accepted.filter(pl.col("person_id").is_null()).height,
        "persons_known": accepted.filter(pl.col("person_id").is_not_null()).height,
        "households_new": accepted.filter(pl.col("household_id").is_null())[
            "household_no"
        ].n_unique(),
        "households_known": accepted.filter(pl.col("household_id").is_not_null())[
            "household_no"
        ].n_unique(),
    }
