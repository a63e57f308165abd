"""People the registry already knows: an empty cell means "no change", and some changes are refused.

For a known person the row is merged with the registry before any rule runs, so that the rules
judge the person as they will stand after the import, exactly as `person_update` judges the whole
facts a form sends. Cells that belong together (disability category and grade, special-care
category and grade, counted and the reason why not, a parent's situation and since when) are taken
together from the file when either is filled, so that clearing one of a pair is possible.

Some changes are transitions that the household pages make through their own services, with their
own effects on memberships, payees and heads; the import refuses them by row and column instead of
copying the value: recording (or changing) a death, and making someone head or no longer head.
"""

import polars as pl
from django.utils.translation import gettext as _

from huimin.registry.bulk import loader
from huimin.registry.bulk.batches import batched
from huimin.registry.bulk.columns import RELATIONS, ROW_COLUMN
from huimin.registry.bulk.validation._frames import typed_errors, with_value
from huimin.registry.models import Person

UPDATABLE = tuple(f for f in loader.PERSON_FIELDS if f != "id_number")

# Cells taken from the file together when any of them is filled.
PAIRS = (
    ("disability_category", "disability_grade"),
    ("special_care_category", "special_care_grade"),
    ("counted_in_family", "not_counted_reason"),
    ("father_status", "father_status_since"),
    ("mother_status", "mother_status_since"),
)

_REGISTRY_TYPES: dict[str, pl.DataType] = {
    "sex": pl.Utf8(),
    "birth_date": pl.Date(),
    "ethnicity": pl.Utf8(),
    "relation": pl.Utf8(),
    "disability_category": pl.Int64(),
    "disability_grade": pl.Int64(),
    "special_care_category": pl.Utf8(),
    "special_care_grade": pl.Int64(),
    "not_counted_reason": pl.Utf8(),
    "father_status": pl.Utf8(),
    "mother_status": pl.Utf8(),
    "father_status_since": pl.Date(),
    "mother_status_since": pl.Date(),
    "death_date": pl.Date(),
    "name": pl.Utf8(),
}


def registry_values(person_ids: list[int]) -> pl.DataFrame:
    """The registry's current facts of these persons, columns prefixed `reg_`, in batches."""
    rows: list[tuple] = []
    for batch in batched(person_ids):
        rows.extend(Person.objects.filter(pk__in=batch).values_list("pk", *UPDATABLE))
    schema = {"person_id": pl.Int64()} | {
        f"reg_{name}": _REGISTRY_TYPES.get(name, pl.Boolean()) for name in UPDATABLE
    }
    return pl.DataFrame(rows, schema=schema, orient="row").with_columns(
        # The registry writes "no reason" as ""; a parsed file cell says it with null.
        pl.col("reg_not_counted_reason").replace("", None)
    )


def merge_known(frame: pl.DataFrame, typed: pl.DataFrame) -> pl.DataFrame:
    """Known persons' empty cells take the registry's value; adds `reg_*` and `filled_*` columns."""
    ids = typed["person_id"].drop_nulls().unique().to_list()
    filled = frame.select(
        pl.col(ROW_COLUMN), *((pl.col(name) != "").alias(f"filled_{name}") for name in UPDATABLE)
    )
    for pair in PAIRS:
        together = pl.any_horizontal(*(pl.col(f"filled_{name}") for name in pair))
        filled = filled.with_columns(together.alias(f"filled_{name}") for name in pair)
    merged = typed.join(filled, on=ROW_COLUMN, how="left").join(
        registry_values(ids), on="person_id", how="left"
    )
    known = pl.col("person_id").is_not_null()
    return merged.with_columns(
        pl.when(known & ~pl.col(f"filled_{name}"))
        .then(pl.col(f"reg_{name}"))
        .otherwise(pl.col(name))
        .alias(name)
        for name in UPDATABLE
    )


def transition_errors(merged: pl.DataFrame) -> list[pl.DataFrame]:
    """Changes of known persons that only the household pages make."""
    c = pl.col
    known = c("person_id").is_not_null()
    death = _(
        "This person's death is not recorded in the registry: record it on the member's page, "
        "which also ends the membership, the payee role and the head role; then import again."
    )
    other_death = _(
        "The registry records this person's death on %(value)s; a different date is corrected "
        "on the member's page, not by import."
    )
    head = _(
        "A change of head of household is made on the household page (the former head needs a "
        "new relation there); the registry says “%(value)s” for this person."
    )
    return [
        typed_errors(
            merged,
            known & c("reg_death_date").is_null() & c("death_date").is_not_null(),
            "death_date",
            death,
        ),
        typed_errors(
            merged,
            known
            & c("reg_death_date").is_not_null()
            & (c("death_date") != c("reg_death_date")).fill_null(True),
            "death_date",
            with_value(other_death, c("reg_death_date").dt.strftime("%Y-%m-%d")),
        ),
        typed_errors(
            merged,
            known
            & (c("relation") != c("reg_relation"))
            & ((c("relation") == "head") | (c("reg_relation") == "head")),
            "relation",
            with_value(
                head, c("reg_relation").replace_strict(RELATIONS, default=c("reg_relation"))
            ),
        ),
    ]


def drop_merge_columns(merged: pl.DataFrame) -> pl.DataFrame:
    return merged.drop([name for name in merged.columns if name.startswith(("reg_", "filled_"))])
