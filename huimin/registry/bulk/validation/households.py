"""One household across its rows: agreeing columns, required values, one head, one payee."""

from collections.abc import Iterable

import polars as pl
from django.db.models import Q
from django.utils.translation import gettext as _

from huimin.registry.bulk.columns import COLUMNS, HOUSEHOLD_KEYS, ROW_COLUMN, Level
from huimin.registry.bulk.validation._frames import with_value
from huimin.registry.bulk.validation.registry import LOOKUP_BATCH
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
    none = per_household.filter(pl.col("all_heads") == 0)
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
    """Per household: heads and payees in the file, plus heads the registry holds outside it."""
    return (
        grouped.group_by("household_no", maintain_order=True)
        .agg(
            pl.col(ROW_COLUMN).first(),
            pl.col("household_id").first(),
            (pl.col("relation") == "head").sum().alias("heads"),
            (pl.col("payee") == True).sum().alias("payees"),  # noqa: E712
            pl.col(ROW_COLUMN).filter(pl.col("relation") == "head").first().alias("head_row"),
            pl.col("death_date").filter(pl.col("relation") == "head").first().alias("head_death"),
        )
        .join(_registry_heads(grouped), on="household_id", how="left")
        .with_columns((pl.col("heads") + pl.col("registry_heads").fill_null(0)).alias("all_heads"))
    )


def _registry_heads(grouped: pl.DataFrame) -> pl.DataFrame:
    """Heads of known households whom the file does not mention, counted per household."""
    existing_ids = grouped["household_id"].drop_nulls().unique().to_list()
    in_file = set(grouped["id_index"].to_list())
    registry_heads: dict[int, int] = {}
    for start in range(0, len(existing_ids), LOOKUP_BATCH):
        batch = existing_ids[start : start + LOOKUP_BATCH]
        for household_id, index in Person.objects.filter(
            Q(household_id__in=batch), relation=Relation.HEAD
        ).values_list("household_id", "id_number_index"):
            if index not in in_file:  # the file's row for this person overrides the registry
                registry_heads[household_id] = registry_heads.get(household_id, 0) + 1
    return pl.DataFrame(
        list(registry_heads.items()),
        schema={"household_id": pl.Int64, "registry_heads": pl.Int64},
        orient="row",
    )
