"""One household across its rows: agreeing columns, required values, one head, one payee."""

from collections.abc import Iterable

import polars as pl
from django.utils.translation import gettext as _

from huimin.registry.bulk.batches import batched
from huimin.registry.bulk.columns import COLUMNS, HOUSEHOLD_KEYS, ROW_COLUMN, Level
from huimin.registry.bulk.validation._frames import with_value
from huimin.registry.models import Person, Relation


def household_errors(typed: pl.DataFrame) -> list[pl.DataFrame]:
    errors: list[pl.DataFrame] = []
    grouped = typed.filter(pl.col("household_no") != "")
    errors.extend(_disagreeing_household_columns(grouped))
    errors.extend(_missing_household_values(grouped))
    errors.extend(_heads_and_payees(grouped))
    return errors


def _disagreeing_household_columns(grouped: pl.DataFrame) -> Iterable[pl.DataFrame]:
    message = _(
        "Rows of the same household must agree on this column; the household's first row with a "
        "value says “%(value)s”."
    )
    for key in HOUSEHOLD_KEYS:
        if key == "household_no":
            continue
        raw = pl.col(key).cast(pl.Utf8)
        filled = grouped.filter(pl.col(key).is_not_null() & (raw != ""))
        if filled.height == 0:
            continue
        first = filled.group_by("household_no", maintain_order=True).agg(raw.first().alias("first"))
        differing = filled.join(first, on="household_no").filter(raw != pl.col("first"))
        if differing.height:
            yield differing.select(
                pl.col(ROW_COLUMN),
                pl.lit(key).alias("column"),
                with_value(message, pl.col("first")).alias("message"),
            )


def _missing_household_values(grouped: pl.DataFrame) -> Iterable[pl.DataFrame]:
    message = _("No row of this household fills in this column, and it is required.")
    for column in COLUMNS:
        if (
            column.level is not Level.HOUSEHOLD
            or not column.required
            or column.key == "household_no"
        ):
            continue
        raw = pl.col(column.key).cast(pl.Utf8)
        per_household = grouped.group_by("household_no", maintain_order=True).agg(
            pl.col(ROW_COLUMN).first(), (raw.is_not_null() & (raw != "")).any().alias("has")
        )
        missing = per_household.filter(~pl.col("has"))
        if missing.height:
            yield missing.select(
                pl.col(ROW_COLUMN),
                pl.lit(column.key).alias("column"),
                pl.lit(message).alias("message"),
            )


def _heads_and_payees(grouped: pl.DataFrame) -> Iterable[pl.DataFrame]:
    per_household = _heads_and_payees_counted(grouped)
    none = per_household.filter((pl.col("all_heads") == 0) & (pl.col("all_living") > 0))
    several = per_household.filter(pl.col("all_heads") > 1)
    many_payees = per_household.filter(pl.col("payees") > 1)
    dead_head_payee = per_household.filter(
        (pl.col("payees") == 0)
        & pl.col("household_id").is_null()
        & pl.col("head_death").is_not_null()
    )
    yield none.select(
        pl.col(ROW_COLUMN),
        pl.lit("relation").alias("column"),
        pl.lit(_("This household has no head: mark exactly one member as 户主 (head).")).alias(
            "message"
        ),
    )
    yield several.select(
        pl.col(ROW_COLUMN),
        pl.lit("relation").alias("column"),
        with_value(
            _("This household has %(value)s heads; it must have exactly one."),
            pl.col("all_heads").cast(pl.Utf8),
        ).alias("message"),
    )
    yield many_payees.select(
        pl.col(ROW_COLUMN),
        pl.lit("payee").alias("column"),
        pl.lit(_("More than one member is marked as payee; mark at most one.")).alias("message"),
    )
    yield dead_head_payee.select(
        pl.col("head_row").alias(ROW_COLUMN),
        pl.lit("payee").alias("column"),
        pl.lit(
            _(
                "The head has died, so the head cannot receive the payments: mark a living adult as payee."
            )
        ).alias("message"),
    )


def _heads_and_payees_counted(grouped: pl.DataFrame) -> pl.DataFrame:
    """Per household: living heads and payees in the file, plus the registry's members outside it.

    The same rule as `registry.validation.check_heads`: among the living, exactly one head,
    when anyone in the household lives. A dead head keeps the word "head" but heads no longer.
    """
    alive = pl.col("death_date").is_null()
    return (
        grouped.group_by("household_no", maintain_order=True)
        .agg(
            pl.col(ROW_COLUMN).first(),
            pl.col("household_id").first(),
            ((pl.col("relation") == "head") & alive).sum().alias("heads"),
            alive.sum().alias("living"),
            (pl.col("payee") == True).sum().alias("payees"),  # noqa: E712
            pl.col(ROW_COLUMN).filter(pl.col("relation") == "head").first().alias("head_row"),
            pl.col("death_date").filter(pl.col("relation") == "head").first().alias("head_death"),
        )
        .join(_registry_members(grouped), on="household_id", how="left")
        .with_columns(
            (pl.col("heads") + pl.col("registry_heads").fill_null(0)).alias("all_heads"),
            (pl.col("living") + pl.col("registry_living").fill_null(0)).alias("all_living"),
        )
    )


def _registry_members(grouped: pl.DataFrame) -> pl.DataFrame:
    """Living members and heads of known households whom the file does not mention."""
    existing_ids = grouped["household_id"].drop_nulls().unique().to_list()
    in_file = set(grouped["person_id"].drop_nulls().to_list())
    heads: dict[int, int] = {}
    living: dict[int, int] = {}
    for batch in batched(existing_ids):
        for household_id, pk, relation in Person.objects.filter(
            household_id__in=batch, death_date__isnull=True
        ).values_list("household_id", "pk", "relation"):
            if pk in in_file:  # the file's row for this person overrides the registry
                continue
            living[household_id] = living.get(household_id, 0) + 1
            if relation == Relation.HEAD:
                heads[household_id] = heads.get(household_id, 0) + 1
    return pl.DataFrame(
        [(pk, heads.get(pk, 0), count) for pk, count in living.items()],
        schema={"household_id": pl.Int64, "registry_heads": pl.Int64, "registry_living": pl.Int64},
        orient="row",
    )
