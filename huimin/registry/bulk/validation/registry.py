"""Checks against the database: villages, jurisdiction, and who is already registered where."""

import polars as pl
from django.utils.translation import gettext as _

from huimin.core import access
from huimin.core.models import Region, User
from huimin.core.pii import blind_index_candidates_many
from huimin.registry.bulk.batches import batched
from huimin.registry.bulk.columns import ROW_COLUMN
from huimin.registry.bulk.validation._frames import typed_errors, with_value
from huimin.registry.models import Household, Person


def village_errors(typed: pl.DataFrame, user: User) -> list[pl.DataFrame]:
    codes = typed.filter(pl.col("village_code") != "")["village_code"].unique().to_list()
    well_formed = [code for code in codes if len(code) == 12 and code.isdigit()]
    known = {
        code
        for batch in batched(sorted(well_formed))
        for code in Region.objects.filter(code__in=batch, level="village").values_list(
            "code", flat=True
        )
    }
    outside = {code for code in known if not access.covers(user, code)}
    c = pl.col("village_code")
    return [
        typed_errors(
            typed,
            (c != "") & ~c.str.contains(r"^[0-9]{12}$"),
            "village_code",
            with_value(_("“%(value)s” is not a 12-digit village code."), c),
        ),
        typed_errors(
            typed,
            c.str.contains(r"^[0-9]{12}$") & ~c.is_in(list(known)),
            "village_code",
            with_value(_("There is no village with the code %(value)s."), c),
        ),
        typed_errors(
            typed,
            c.is_in(list(outside)),
            "village_code",
            with_value(_("The village %(value)s is outside your jurisdiction."), c),
        ),
    ]


def attach_registry(typed: pl.DataFrame) -> pl.DataFrame:
    """Find the people and households the file names, in batches.

    People are found as the services find them (`check_identity_unique`): by the blind index under
    every data key, so that during a key rotation a person whose row still carries the old index
    is found, not registered twice. `id_index` is the index under the current key.
    """
    numbers = typed["id_number"].fill_null("").to_list()
    candidates = blind_index_candidates_many(numbers)
    typed = typed.with_columns(pl.Series("id_index", candidates[0], dtype=pl.Utf8))
    people = _people_by_index(typed.select(ROW_COLUMN, "id_index"), candidates)
    households = _households_by_number([n for n in typed["household_no"].unique().to_list() if n])
    return typed.join(people, on=ROW_COLUMN, how="left").join(
        households, on="household_no", how="left"
    )


def _people_by_index(rows: pl.DataFrame, candidates: list[list[str]]) -> pl.DataFrame:
    """Per file row, the registered person whose index matches one of the row's candidates."""
    per_key = pl.concat(
        [
            rows.select(ROW_COLUMN).with_columns(
                pl.Series("candidate", indexes, dtype=pl.Utf8), pl.lit(rank).alias("key_rank")
            )
            for rank, indexes in enumerate(candidates)
        ]
    ).filter(pl.col("candidate") != "")
    wanted = per_key["candidate"].unique().sort().to_list()
    found = [
        person
        for batch in batched(wanted)
        for person in Person.objects.filter(id_number_index__in=batch).values_list(
            "id_number_index", "pk", "household_id"
        )
    ]
    people = pl.DataFrame(
        found,
        schema={"candidate": pl.Utf8, "person_id": pl.Int64, "person_household_id": pl.Int64},
        orient="row",
    )
    return (
        per_key.join(people, on="candidate")
        .sort(ROW_COLUMN, "key_rank")
        .group_by(ROW_COLUMN, maintain_order=True)
        .agg(pl.col("person_id").first(), pl.col("person_household_id").first())
    )


def _households_by_number(numbers: list[str]) -> pl.DataFrame:
    households: list[tuple[str, int, str]] = []
    for batch in batched(sorted(numbers)):
        households.extend(
            Household.objects.filter(household_no__in=batch).values_list(
                "household_no", "pk", "region_code"
            )
        )
    return pl.DataFrame(
        households,
        schema={"household_no": pl.Utf8, "household_id": pl.Int64, "household_region": pl.Utf8},
        orient="row",
    )


def registry_errors(typed: pl.DataFrame, user: User) -> list[pl.DataFrame]:
    errors = [_foreign_household_errors(typed, user)]
    # People registered in a different household than the one this row puts them in.
    elsewhere = typed.filter(
        pl.col("person_id").is_not_null()
        & (pl.col("person_household_id") != pl.col("household_id")).fill_null(True)
    )
    if elsewhere.height:
        errors.append(_registered_elsewhere_errors(elsewhere, user))
    return errors


def _foreign_household_errors(typed: pl.DataFrame, user: User) -> pl.DataFrame:
    """Households the file names by number but which belong to another jurisdiction."""
    regions = typed.filter(pl.col("household_region").is_not_null())["household_region"].unique()
    foreign_regions = [code for code in regions.to_list() if not access.covers(user, code)]
    return typed_errors(
        typed,
        pl.col("household_region").is_in(foreign_regions),
        "household_no",
        with_value(
            _(
                "The household number %(value)s is already used by a household outside your jurisdiction."
            ),
            pl.col("household_no"),
        ),
    )


def _registered_elsewhere_errors(elsewhere: pl.DataFrame, user: User) -> pl.DataFrame:
    """The other household is named only when it is in the user's jurisdiction."""
    ids = elsewhere["person_household_id"].unique().sort().to_list()
    visible = {
        pk: number
        for batch in batched(ids)
        for pk, number in access.scope(Household.objects.filter(pk__in=batch), user).values_list(
            "pk", "household_no"
        )
    }
    seen = pl.DataFrame(
        list(visible.items()),
        schema={"person_household_id": pl.Int64, "existing_no": pl.Utf8},
        orient="row",
    )
    named = _(
        "This person is already registered in household %(value)s; a move between households "
        "is done on the household page, not by import."
    )
    hidden = _("This person is already registered in another household, outside your jurisdiction.")
    return elsewhere.join(seen, on="person_household_id", how="left").select(
        pl.col(ROW_COLUMN),
        pl.lit("id_number").alias("column"),
        pl.when(pl.col("existing_no").is_not_null())
        .then(with_value(named, pl.col("existing_no")))
        .otherwise(pl.lit(hidden))
        .alias("message"),
    )
