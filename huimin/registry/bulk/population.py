"""Turning a synthetic population (huimin.registry.synthetic) into frames the loader writes."""

import polars as pl

from huimin.registry.bulk.loader import RegistryFrames
from huimin.registry.synthetic import Synthetic

# The generator's column names where they differ from the registry's.
SELF_CARE = {
    "cannot_eat": "unable_eating",
    "cannot_dress": "unable_dressing",
    "cannot_transfer": "unable_bed_transfer",
    "cannot_toilet": "unable_toilet",
    "cannot_walk_indoors": "unable_walking_indoors",
    "cannot_bathe": "unable_bathing",
}
NOT_COUNTED_REASON = {"clergy": "clergy_away"}  # the generator's word -> the registry's code
ASSET_VALUES = {
    "deposit": "deposits_fen",
    "securities": "securities_fen",
    "debt_owed": "debts_owed_to_family_fen",
    "vehicle": "vehicle_value_fen",
}
ASSET_COUNTS = {"home": "home_count", "commercial_property": "commercial_property_count"}


def frames_from_synthetic(population: Synthetic) -> RegistryFrames:
    h, p, i = population.households, population.persons, population.incomes
    households = h.select(
        pl.col("household_no"),
        pl.col("region_code"),
        pl.col("address_zh").alias("address"),
        pl.col("residence_type"),
        pl.col("bank_name_zh").fill_null("").alias("bank_name"),
        pl.col("bank_card_no").fill_null("").alias("bank_account"),
        pl.col("phone").fill_null(""),
        pl.col("payee_person_idx").cast(pl.Int64).alias("payee_pos"),
    )
    persons = p.select(
        pl.col("household_idx").cast(pl.Int64).alias("household_pos"),
        pl.col("name_zh").alias("name"),
        pl.col("id_number"),
        pl.col("sex"),
        pl.col("birth_date"),
        pl.col("ethnicity").fill_null(""),
        pl.col("relation"),
        pl.col("disability_category").cast(pl.Int64),
        pl.col("disability_grade").cast(pl.Int64),
        *(pl.col(source).alias(target) for target, source in SELF_CARE.items()),
        pl.col("serious_illness"),
        pl.col("able_to_work"),
        pl.col("student"),
        pl.col("special_care_category"),
        pl.col("special_care_grade").cast(pl.Int64),
        pl.col("counted_in_family"),
        pl.col("not_counted_reason")
        .replace(NOT_COUNTED_REASON)
        .fill_null("")
        .alias("not_counted_reason"),
        pl.col("father_status"),
        pl.col("mother_status"),
        # The generator draws parents' situations as long-standing: no start date.
        pl.lit(None, pl.Date).alias("father_status_since"),
        pl.lit(None, pl.Date).alias("mother_status_since"),
        pl.col("legal_supporter_able"),
        pl.col("in_institution"),
        pl.col("death_date"),
    )
    incomes = i.select(
        pl.col("person_idx").cast(pl.Int64).alias("person_pos"),
        pl.col("income_type"),
        pl.col("monthly_fen"),
        pl.col("valid_from"),
        pl.col("valid_to"),
        (pl.col("verification") == "verified").alias("verified"),
        pl.lit("").alias("exclusion_reason"),
    )
    return RegistryFrames(households, persons, incomes, _assets(h, population))


def _assets(h: pl.DataFrame, population: Synthetic) -> pl.DataFrame:
    indexed = h.with_row_index("household_pos").with_columns(pl.col("household_pos").cast(pl.Int64))
    parts = []
    for kind, column in ASSET_VALUES.items():
        parts.append(
            indexed.filter(pl.col(column) > 0).select(
                "household_pos",
                kind=pl.lit(kind),
                value_fen=pl.col(column).cast(pl.Int64),
            )
        )
    for kind, column in ASSET_COUNTS.items():
        # One record per property; the generator gives counts, not values.
        counted = indexed.filter(pl.col(column) > 0).select(
            "household_pos", pl.col(column).cast(pl.Int64).alias("n")
        )
        parts.append(
            counted.select(
                pl.col("household_pos").repeat_by(pl.col("n")).explode(),
            ).select("household_pos", kind=pl.lit(kind), value_fen=pl.lit(0, dtype=pl.Int64))
        )
    return pl.concat(parts).with_columns(
        is_disability_vehicle=pl.lit(False),
        valid_from=pl.lit(population.as_of, dtype=pl.Date),
        valid_to=pl.lit(None, dtype=pl.Date),
    )
