"""Checks against the database: villages, jurisdiction, and who is already registered where."""

import polars as pl
from django.utils.translation import gettext as _

from huimin.core import access
from huimin.core.models import Region, User
from huimin.core.pii import blind_index_many
from huimin.registry.bulk.columns import ROW_COLUMN
from huimin.registry.bulk.validation._frames import typed_errors, with_value
from huimin.registry.models import Household, Person

LOOKUP_BATCH = 5000


def village_errors(typed: pl.DataFrame, user: User) -> list[pl.DataFrame]:
    codes = typed.filter(pl.col("village_code") != "")["village_code"].unique().to_list()
    well_formed = [code for code in codes if len(code) == 12 and code.isdigit()]
    known = set(
        Region.objects.filter(code__in=well_formed, level="village").values_list("code", flat=True)
    )
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
    """Blind-index every identity number and look the people and households up in batches."""
    indexes = blind_index_many(typed["id_number"].fill_null("").to_list())
    typed = typed.with_columns(pl.Series("id_index", indexes, dtype=pl.Utf8))
    people = _people_by_index([i for i in set(indexes) if i])
    households = _households_by_number([n for n in typed["household_no"].unique().to_list() if n])
    return typed.join(people, on="id_index", how="left").join(
        households, on="household_no", how="left"
    )


def _people_by_index(wanted: list[str]) -> pl.DataFrame:
    people: list[tuple[str, int, int]] = []
    for start in range(0, len(wanted), LOOKUP_BATCH):
        batch = wanted[start : start + LOOKUP_BATCH]
        people.extend(
            Person.objects.filter(id_number_index__in=batch).values_list(
                "id_number_index", "pk", "household_id"
            )
        )
    return pl.DataFrame(
        people,
        schema={"id_index": pl.Utf8, "person_id": pl.Int64, "person_household_id": pl.Int64},
        orient="row",
    )


def _households_by_number(numbers: list[str]) -> pl.DataFrame:
    households: list[tuple[str, int, str]] = []
    for start in range(0, len(numbers), LOOKUP_BATCH):
        households.extend(
            Household.objects.filter(
                household_no__in=numbers[start : start + LOOKUP_BATCH]
            ).values_list("household_no", "pk", "region_code")
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
    ids = elsewhere["person_household_id"].unique().to_list()
    visible = dict(
        access.scope(Household.objects.filter(pk__in=ids), user).values_list("pk", "household_no")
    )
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
