"""Incomes and assets of known people and households: close the open record, write the new one."""

from datetime import date, timedelta

import polars as pl

from huimin.registry.bulk import loader
from huimin.registry.bulk.batches import batched
from huimin.registry.bulk.columns import ASSET_COUNT_COLUMNS, ASSET_VALUE_COLUMNS, INCOME_COLUMNS
from huimin.registry.bulk.services.new_records import asset_rows, income_rows
from huimin.registry.bulk.services.updating import Changes
from huimin.registry.models import Asset, IncomeRecord


def replace_incomes(known: pl.DataFrame, today: date, changes: Changes) -> set[int]:
    """An income cell with a value replaces the open record of that type when the amount differs."""
    given = income_rows(known.select("person_id", *INCOME_COLUMNS), "person_id", today)
    stated = (
        known.unpivot(index=["person_id", "household_id"], on=list(INCOME_COLUMNS))
        .filter(pl.col("value").is_not_null())
        .with_columns(pl.col("variable").replace_strict(INCOME_COLUMNS).alias("income_type"))
    )
    if stated.height == 0:
        return set()
    open_records = pl.DataFrame(
        [
            record
            for batch in batched(stated["person_id"].unique().sort().to_list())
            for record in IncomeRecord.objects.filter(
                person_id__in=batch, valid_to__isnull=True
            ).values_list("pk", "person_id", "income_type", "monthly_fen", "valid_from")
        ],
        schema={
            "pk": pl.Int64,
            "person_id": pl.Int64,
            "income_type": pl.Utf8,
            "monthly_fen": pl.Int64,
            "valid_from": pl.Date,
        },
        orient="row",
    )
    current = open_records.group_by("person_id", "income_type").agg(pl.col("monthly_fen").sum())
    compared = stated.join(current, on=["person_id", "income_type"], how="left").filter(
        pl.col("value") != pl.col("monthly_fen").fill_null(0)
    )
    if compared.height == 0:
        return set()
    for household_id, person_id, income_type, old, new in compared.select(
        "household_id", "person_id", "income_type", pl.col("monthly_fen").fill_null(0), "value"
    ).iter_rows():
        incomes = changes.setdefault(household_id, {}).setdefault("incomes", {})
        incomes[f"{person_id} {income_type}"] = [old, new]
    to_close = open_records.join(
        compared.select("person_id", "income_type"), on=["person_id", "income_type"]
    )
    _close(IncomeRecord, to_close, today)
    fresh = given.join(compared.select("person_id", "income_type"), on=["person_id", "income_type"])
    loader.write_new(
        loader.RegistryFrames(_empty_households(), _empty_persons(), fresh, _empty_assets()),
        actor=None,
        as_of=today,
        reason="import",
    )
    return set(compared["household_id"].to_list())


def replace_assets(values: pl.DataFrame, today: date, changes: Changes) -> set[int]:
    given = asset_rows(values, "household_id", today)
    stated_kinds = []
    for column, kind in {**ASSET_VALUE_COLUMNS, **ASSET_COUNT_COLUMNS}.items():
        stated_kinds.append(
            values.filter(pl.col(column).is_not_null()).select("household_id", kind=pl.lit(kind))
        )
    stated = pl.concat(stated_kinds)
    if stated.height == 0:
        return set()
    open_records = pl.DataFrame(
        [
            record
            for batch in batched(stated["household_id"].unique().sort().to_list())
            for record in Asset.objects.filter(
                household_id__in=batch, valid_to__isnull=True
            ).values_list("pk", "household_id", "kind", "value_fen", "valid_from")
        ],
        schema={
            "pk": pl.Int64,
            "household_id": pl.Int64,
            "kind": pl.Utf8,
            "value_fen": pl.Int64,
            "valid_from": pl.Date,
        },
        orient="row",
    )
    signature = [pl.col("value_fen").sort().cast(pl.Utf8).str.join(",").alias("values")]
    have = open_records.group_by("household_id", "kind").agg(signature)
    want = given.group_by("household_id", "kind").agg(signature)
    compared = (
        stated.join(have, on=["household_id", "kind"], how="left")
        .join(want, on=["household_id", "kind"], how="left", suffix="_wanted")
        .filter(pl.col("values").fill_null("") != pl.col("values_wanted").fill_null(""))
    )
    if compared.height == 0:
        return set()
    for household_id, kind, old, new in compared.select(
        "household_id",
        "kind",
        pl.col("values").fill_null(""),
        pl.col("values_wanted").fill_null(""),
    ).iter_rows():
        changes.setdefault(household_id, {}).setdefault("assets", {})[kind] = [old, new]
    keys = compared.select("household_id", "kind")
    _close(Asset, open_records.join(keys, on=["household_id", "kind"]), today)
    loader.write_new(
        loader.RegistryFrames(
            _empty_households(),
            _empty_persons(),
            _empty_incomes(),
            given.join(keys, on=["household_id", "kind"]),
        ),
        actor=None,
        as_of=today,
        reason="import",
    )
    return set(compared["household_id"].to_list())


def _close(model: type[IncomeRecord] | type[Asset], records: pl.DataFrame, today: date) -> None:
    """End open records the day before today (or on their first day, if they began today)."""
    yesterday = today - timedelta(days=1)
    began_today = records.filter(pl.col("valid_from") >= today)["pk"].to_list()
    earlier = records.filter(pl.col("valid_from") < today)["pk"].to_list()
    for batch in batched(earlier):
        model.objects.filter(pk__in=batch).update(valid_to=yesterday)
    for batch in batched(began_today):
        model.objects.filter(pk__in=batch).update(valid_to=today)


def _empty_households() -> pl.DataFrame:
    return pl.DataFrame(
        schema={**dict.fromkeys(loader.HOUSEHOLD_FIELDS, pl.Utf8), "payee_pos": pl.Int64}
    )


def _empty_persons() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "household_pos": pl.Int64,
            "household_id": pl.Int64,
            "name": pl.Utf8,
            "id_number": pl.Utf8,
            "relation": pl.Utf8,
            "birth_date": pl.Date,
            "death_date": pl.Date,
        }
    )


def _empty_incomes() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "person_id": pl.Int64,
            "income_type": pl.Utf8,
            "monthly_fen": pl.Int64,
            "valid_from": pl.Date,
            "valid_to": pl.Date,
            "verified": pl.Boolean,
            "exclusion_reason": pl.Utf8,
        }
    )


def _empty_assets() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "household_id": pl.Int64,
            "kind": pl.Utf8,
            "value_fen": pl.Int64,
            "is_disability_vehicle": pl.Boolean,
            "valid_from": pl.Date,
            "valid_to": pl.Date,
        }
    )
