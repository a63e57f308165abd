"""The frames of new households, persons, incomes and assets that an import hands to the loader."""

from datetime import date

import polars as pl

from huimin.registry.bulk import loader
from huimin.registry.bulk.columns import ASSET_COUNT_COLUMNS, ASSET_VALUE_COLUMNS, INCOME_COLUMNS


def household_values(rows: pl.DataFrame) -> pl.DataFrame:
    """One row per household number: the first filled value of each household column."""

    def first(name: str, filled: pl.Expr) -> pl.Expr:
        return pl.col(name).filter(filled).first().alias(name)

    text = ("village_code", "address", "residence_type", "bank_name", "bank_account", "phone")
    numbers = (*ASSET_VALUE_COLUMNS, *ASSET_COUNT_COLUMNS, "disability_vehicle")
    return rows.group_by("household_no", maintain_order=True).agg(
        pl.col("household_id").first(),
        *(first(name, pl.col(name).is_not_null() & (pl.col(name) != "")) for name in text),
        *(first(name, pl.col(name).is_not_null()) for name in numbers),
    )


def new_records(
    rows: pl.DataFrame, today: date
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    new_rows = rows.filter(pl.col("person_id").is_null())
    households = (
        household_values(rows.filter(pl.col("household_id").is_null()))
        .with_row_index("household_pos")
        .with_columns(pl.col("household_pos").cast(pl.Int64))
    )
    persons = (
        new_rows.join(
            households.select("household_no", "household_pos"), on="household_no", how="left"
        )
        .with_row_index("person_pos")
        .with_columns(pl.col("person_pos").cast(pl.Int64))
    )
    # The payee: the member marked so, else the head.
    payee = (
        persons.filter(pl.col("household_pos").is_not_null())
        .group_by("household_pos")
        .agg(
            pl.coalesce(
                pl.col("person_pos").filter(pl.col("payee") == True).first(),  # noqa: E712
                pl.col("person_pos").filter(pl.col("relation") == "head").first(),
            ).alias("payee_pos")
        )
    )
    households = households.join(payee, on="household_pos", how="left").sort("household_pos")
    household_frame = households.select(
        pl.col("household_no"),
        pl.col("village_code").alias("region_code"),
        *(
            pl.col(name).fill_null("")
            for name in ("address", "residence_type", "bank_name", "bank_account", "phone")
        ),
        pl.col("payee_pos"),
    )
    person_frame = persons.with_columns(person_defaults()).select(
        "household_pos", "household_id", *(pl.col(f) for f in loader.PERSON_FIELDS)
    )
    incomes = income_rows(persons.select("person_pos", *INCOME_COLUMNS), "person_pos", today)
    assets = asset_rows(households, "household_pos", today)
    return household_frame, person_frame, incomes, assets


def person_defaults() -> list[pl.Expr]:
    return [
        pl.col("sex").fill_null(pl.col("id_sex")),
        pl.col("birth_date").fill_null(pl.col("id_birth_date")),
        pl.col("ethnicity").fill_null(""),
        pl.col("counted_in_family").fill_null(pl.col("not_counted_reason").is_null()),
        pl.col("not_counted_reason").fill_null(""),
    ]


def income_rows(frame: pl.DataFrame, owner: str, today: date) -> pl.DataFrame:
    parts = [
        frame.filter(pl.col(column).is_not_null() & (pl.col(column) > 0)).select(
            pl.col(owner),
            income_type=pl.lit(kind),
            monthly_fen=pl.col(column),
        )
        for column, kind in INCOME_COLUMNS.items()
    ]
    incomes = pl.concat(parts)
    return incomes.with_columns(
        valid_from=pl.lit(today, dtype=pl.Date),
        valid_to=pl.lit(None, dtype=pl.Date),
        verified=pl.lit(False),
        exclusion_reason=pl.lit(""),
    )


def asset_rows(households: pl.DataFrame, owner: str, today: date) -> pl.DataFrame:
    parts = [
        households.filter(pl.col(column).is_not_null() & (pl.col(column) > 0)).select(
            pl.col(owner),
            kind=pl.lit(kind),
            value_fen=pl.col(column).cast(pl.Int64),
            is_disability_vehicle=(
                pl.col("disability_vehicle").fill_null(False) & (pl.lit(kind) == "vehicle")
            ),
        )
        for column, kind in ASSET_VALUE_COLUMNS.items()
    ]
    for column, kind in ASSET_COUNT_COLUMNS.items():
        counted = households.filter(pl.col(column).is_not_null() & (pl.col(column) > 0))
        parts.append(
            counted.select(
                pl.col(owner).repeat_by(pl.col(column).cast(pl.UInt32)).explode()
            ).select(
                pl.col(owner),
                kind=pl.lit(kind),
                value_fen=pl.lit(0, dtype=pl.Int64),
                is_disability_vehicle=pl.lit(False),
            )
        )
    return pl.concat(parts).with_columns(
        valid_from=pl.lit(today, dtype=pl.Date), valid_to=pl.lit(None, dtype=pl.Date)
    )
