"""Writing frames of new households, persons, incomes and assets into the registry, set-based.

The one writer behind both `huimin generate` and the import. It takes Polars frames (described in
`RegistryFrames`), allocates primary keys up front, and writes every table in one pass:

- PostgreSQL: `COPY ... FROM STDIN` in CSV form, the encrypted values and blind indexes computed
  in Python first (the database never sees a clear identity or account number);
- SQLite: `INSERT` of the same prepared rows with `executemany`, in batches (no model object
  per row: that was four fifths of the time of a load).

Foreign keys between the tables are deferred until commit on both databases (Django creates them
DEFERRABLE INITIALLY DEFERRED), so households can name their payee before the persons exist. A
large load into an empty registry instead rebuilds the indexes and re-adds the foreign keys after
the COPY (`initial_load.py`), which checks the same things at a fraction of the cost. The caller
owns the transaction.
"""

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

import polars as pl
from django.db import connection
from django.db.models import Model
from django.utils import timezone

from huimin.core.models import User
from huimin.core.pii import blind_index_many, encrypt_many, mask, mask_bank_account, mask_phone
from huimin.registry.bulk.initial_load import rebuilding_indexes
from huimin.registry.models import (
    Asset,
    Household,
    HouseholdSnapshot,
    IncomeRecord,
    Membership,
    Person,
)
from huimin.registry.search_keys import id_ends_index_many, name_sort_many

MODELS = (Household, Person, Membership, IncomeRecord, Asset, HouseholdSnapshot)
COPY_CHUNK_ROWS = 100_000
Progress = Callable[[str, int], None]

PERSON_FIELDS = (
    "name", "id_number", "sex", "birth_date", "ethnicity", "relation",
    "disability_category", "disability_grade",
    "cannot_eat", "cannot_dress", "cannot_transfer", "cannot_toilet", "cannot_walk_indoors",
    "cannot_bathe", "serious_illness", "able_to_work", "student",
    "special_care_category", "special_care_grade", "counted_in_family", "not_counted_reason",
    "father_status", "mother_status", "father_status_since", "mother_status_since",
    "legal_supporter_able", "in_institution", "death_date",
)  # fmt: skip
DATE_FIELDS = ("birth_date", "death_date", "father_status_since", "mother_status_since")
HOUSEHOLD_FIELDS = (
    "household_no", "region_code", "address", "residence_type", "bank_name", "bank_account", "phone",
)  # fmt: skip
INCOME_FIELDS = (
    "income_type",
    "monthly_fen",
    "valid_from",
    "valid_to",
    "verified",
    "exclusion_reason",
)
ASSET_FIELDS = ("kind", "value_fen", "is_disability_vehicle", "valid_from", "valid_to")


@dataclass
class RegistryFrames:
    """New records to write. Rows refer to each other by position or by an existing primary key.

    households: HOUSEHOLD_FIELDS + `payee_pos` (row in persons, nullable)
    persons:    PERSON_FIELDS (id_number in clear) + `household_pos` (row in households) or
                `household_id` (an existing household), one of them set
    incomes:    INCOME_FIELDS + `person_pos` or `person_id`
    assets:     ASSET_FIELDS + `household_pos` or `household_id`
    """

    households: pl.DataFrame
    persons: pl.DataFrame
    incomes: pl.DataFrame
    assets: pl.DataFrame


@dataclass
class Written:
    household_ids: pl.Series  # per row of frames.households
    person_ids: pl.Series  # per row of frames.persons
    counts: dict[str, int]


def write_new(
    frames: RegistryFrames,
    *,
    actor: User | None,
    as_of: date,
    reason: str,
    note: str = "",
    progress: Progress | None = None,
) -> Written:
    """Insert the frames' records with open memberships and one snapshot per new household."""
    report = progress or (lambda stage, done: None)
    households, persons = frames.households, frames.persons
    household_ids = _allocate(Household, households.height)
    person_ids = _allocate(Person, persons.height)
    households = households.with_columns(id=household_ids).with_columns(
        payee_id=_resolve(households, "payee_pos", "payee_id", person_ids)
    )
    persons = persons.with_columns(id=person_ids).with_columns(
        household_id=_resolve(persons, "household_pos", "household_id", household_ids)
    )
    incomes = frames.incomes.with_columns(
        id=_allocate(IncomeRecord, frames.incomes.height),
        person_id=_resolve(frames.incomes, "person_pos", "person_id", person_ids),
    )
    assets = frames.assets.with_columns(
        id=_allocate(Asset, frames.assets.height),
        household_id=_resolve(frames.assets, "household_pos", "household_id", household_ids),
    )
    now = timezone.now()
    tables = [m._meta.db_table for m in MODELS]
    rows = households.height + persons.height
    with rebuilding_indexes(tables, rows=rows):
        counts = _write_tables(
            households, persons, incomes, assets, actor, as_of, reason, note, now, report
        )
    return Written(household_ids=household_ids, person_ids=person_ids, counts=counts)


def _write_tables(
    households: pl.DataFrame,
    persons: pl.DataFrame,
    incomes: pl.DataFrame,
    assets: pl.DataFrame,
    actor: User | None,
    as_of: date,
    reason: str,
    note: str,
    now: datetime,
    report: Callable[[str, int], None],
) -> dict[str, int]:
    if connection.vendor == "postgresql":
        _prefer_lz4()
    report("households", 0)
    _insert_households(households, now)
    report("persons", households.height)
    _insert_persons(persons, now)
    memberships = persons.select(
        person_id=pl.col("id"),
        household_id=pl.col("household_id"),
        relation=pl.col("relation"),
        valid_from=pl.lit(as_of, dtype=pl.Date),
        # The dead are members no longer, as when a death is recorded (person_record_death).
        valid_to=pl.when(pl.col("death_date").is_not_null())
        .then(pl.max_horizontal(pl.col("death_date"), pl.lit(as_of, dtype=pl.Date)))
        .otherwise(pl.lit(None, dtype=pl.Date)),
    )
    _insert(
        Membership,
        memberships,
        ("person_id", "household_id", "relation", "valid_from", "valid_to"),
        now,
    )
    report("incomes", households.height + persons.height)
    _insert(IncomeRecord, incomes, ("id", "person_id", *INCOME_FIELDS), now, extra={"note": ""})
    _insert(Asset, assets, ("id", "household_id", *ASSET_FIELDS), now, extra={"description": ""})
    snapshots = snapshot_frame(
        households, persons, incomes, assets, actor=actor, reason=reason, note=note, now=now
    )
    _insert(
        HouseholdSnapshot,
        snapshots,
        ("household_id", "taken_at", "changed_by_id", "reason", "data"),
        now,
    )
    return {
        "households": households.height,
        "persons": persons.height,
        "memberships": memberships.height,
        "incomes": incomes.height,
        "assets": assets.height,
        "snapshots": snapshots.height,
    }


def _prefer_lz4() -> None:
    """Compress this transaction's large values (the snapshots' JSON) with LZ4 where available.

    PostgreSQL's default, pglz, costs about as much as parsing the JSON; LZ4 is several times
    faster at a similar size, and reads decompress either kind transparently.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        row = cursor.fetchone()
        if row and row[0]:
            cursor.execute("SET LOCAL default_toast_compression = 'lz4'")


def _resolve(frame: pl.DataFrame, pos: str, existing: str, ids: pl.Series) -> pl.Expr:
    """The primary key a row refers to: an existing one, or the one allocated for its position."""
    has_existing = existing in frame.columns
    allocated = (
        ids.gather(frame[pos].fill_null(0).cast(pl.UInt32))
        if pos in frame.columns and len(ids)
        else pl.Series([None] * frame.height, dtype=pl.Int64)
    )
    if pos in frame.columns and len(ids):
        allocated = allocated.set(frame[pos].is_null(), None)  # type: ignore[arg-type]
    if has_existing:
        return pl.coalesce(pl.col(existing).cast(pl.Int64), pl.lit(allocated))
    return pl.lit(allocated)


# --- primary keys -----------------------------------------------------------------------------


def _allocate(model: type[Model], count: int) -> pl.Series:
    """Reserve `count` primary keys, so rows can refer to each other before they are written."""
    if count == 0:
        return pl.Series("id", [], dtype=pl.Int64)
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # nextval is safe under concurrency: the values are ours even if not contiguous.
            # COPY TO hands them over in one block instead of one Python tuple per row.
            # The sequence is looked up once: per row, pg_get_serial_sequence costs 5x nextval.
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            sql = "COPY (SELECT nextval(%s::regclass) FROM generate_series(1, %s)) TO STDOUT"
            buffer = io.BytesIO()
            with cursor.cursor.copy(sql, [sequence, count]) as copy:
                for block in copy:
                    buffer.write(block)
            buffer.seek(0)
            ids = pl.read_csv(buffer, has_header=False, schema={"id": pl.Int64})["id"]
            if len(ids) != count:
                raise RuntimeError(f"asked {count} ids of {table}, got {len(ids)}")
            return ids
        # SQLite: our transaction began IMMEDIATE and holds the only write lock, so MAX(id) is
        # stable until commit; sqlite_sequence follows explicit ids by itself.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 - a model's table
        start = int(cursor.fetchone()[0]) + 1
    return pl.Series("id", range(start, start + count), dtype=pl.Int64)


# --- the tables -------------------------------------------------------------------------------


def _insert_households(households: pl.DataFrame, now: datetime) -> None:
    if households.height == 0:
        return
    columns = ("id", *HOUSEHOLD_FIELDS, "payee_id")
    prepared = households.select(
        *(c for c in columns if c not in ("bank_account", "phone")),
        bank_account=_encrypted(households["bank_account"]),
        bank_account_index=_indexed(households["bank_account"]),
        phone=_encrypted(households["phone"]),
        phone_index=_indexed(households["phone"]),
    )
    _write(Household, prepared, now, extra={"status": "active", "version": 1})


def _insert_persons(persons: pl.DataFrame, now: datetime) -> None:
    if persons.height == 0:
        return
    columns = ("id", "household_id", *PERSON_FIELDS)
    prepared = persons.select(
        *(c for c in columns if c != "id_number"),
        id_number=_encrypted(persons["id_number"]),
        id_number_index=_indexed(persons["id_number"]),
        # Written without the model, no pre_save runs: the search's keys are computed here
        # (search_keys.py).
        name_sort=pl.Series(name_sort_many(persons["name"].to_list()), dtype=pl.Utf8),
        id_ends_index=pl.Series(id_ends_index_many(persons["id_number"].to_list()), dtype=pl.Utf8),
    )
    _write(Person, prepared, now)


def _insert(
    model: type[Model],
    frame: pl.DataFrame,
    columns: tuple[str, ...],
    now: datetime,
    extra: dict[str, object] | None = None,
) -> None:
    if frame.height == 0:
        return
    _write(model, frame.select(columns), now, extra=extra or {})


def _write(
    model: type[Model],
    frame: pl.DataFrame,
    now: datetime,
    *,
    extra: dict[str, object] | None = None,
) -> None:
    if connection.vendor == "postgresql":
        _copy(model, frame, now, extra=extra)
    else:
        _insert_rows(model, frame, now, extra=extra)


def _encrypted(values: pl.Series) -> pl.Series:
    return pl.Series(encrypt_many(values.fill_null("").to_list()), dtype=pl.Utf8)


def _indexed(values: pl.Series) -> pl.Series:
    return pl.Series(blind_index_many(values.fill_null("").to_list()), dtype=pl.Utf8)


def _timestamps(model: type[Model]) -> list[str]:
    names = {f.attname for f in model._meta.concrete_fields}
    return [name for name in ("created_at", "updated_at") if name in names]


def _copy(
    model: type[Model],
    frame: pl.DataFrame,
    now: datetime,
    *,
    extra: dict[str, object] | None = None,
) -> None:
    """COPY the frame into the model's table; CSV keeps NULL (unquoted empty) apart from ''."""
    stamps = {name: now for name in _timestamps(model)}
    constants = {**(extra or {}), **stamps}
    frame = frame.with_columns(pl.lit(value).alias(name) for name, value in constants.items())
    json_columns = [c for c in frame.columns if frame[c].dtype == pl.Object]
    if json_columns:
        raise TypeError(f"encode {json_columns} as text before copying")
    columns = ", ".join(f'"{name}"' for name in frame.columns)
    sql = f"COPY {model._meta.db_table} ({columns}) FROM STDIN (FORMAT csv)"  # noqa: S608
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for chunk in _chunks(frame):
            buffer = io.BytesIO()
            chunk.write_csv(buffer, include_header=False, datetime_format="%Y-%m-%dT%H:%M:%S%.f%:z")
            copy.write(buffer.getvalue())


def _chunks(frame: pl.DataFrame) -> Iterator[pl.DataFrame]:
    for start in range(0, frame.height, COPY_CHUNK_ROWS):
        yield frame.slice(start, COPY_CHUNK_ROWS)


def _insert_rows(
    model: type[Model],
    frame: pl.DataFrame,
    now: datetime,
    *,
    extra: dict[str, object] | None = None,
) -> None:
    """SQLite: INSERT the frame's rows as they are stored (the columns are the table's, already
    encrypted and indexed, as for COPY), in batches, without building a model per row: dates as
    ISO text, times as Django writes them (UTC), JSON as its text."""
    constants = {**(extra or {}), **dict.fromkeys(_timestamps(model), now)}
    frame = frame.with_columns(
        pl.lit(_sqlite_value(value)).alias(name) for name, value in constants.items()
    )
    frame = frame.with_columns(
        pl.col(name).dt.strftime("%Y-%m-%d")
        for name, dtype in frame.schema.items()
        if dtype == pl.Date
    ).with_columns(
        pl.col(name).dt.convert_time_zone("UTC").dt.strftime("%Y-%m-%d %H:%M:%S%.6f")
        if getattr(dtype, "time_zone", None)
        else pl.col(name).dt.strftime("%Y-%m-%d %H:%M:%S%.6f")
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.Datetime)
    )
    json_columns = [c for c in frame.columns if frame[c].dtype == pl.Object]
    if json_columns:
        raise TypeError(f"encode {json_columns} as text before inserting")
    columns = ", ".join(f'"{name}"' for name in frame.columns)
    marks = ", ".join("%s" for _ in frame.columns)
    sql = f"INSERT INTO {model._meta.db_table} ({columns}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        for chunk in _chunks(frame):
            cursor.executemany(sql, chunk.rows())


def _sqlite_value(value: object) -> object:
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


# --- snapshots --------------------------------------------------------------------------------


def snapshot_frame(
    households: pl.DataFrame,
    persons: pl.DataFrame,
    incomes: pl.DataFrame,
    assets: pl.DataFrame,
    *,
    actor: User | None,
    reason: str,
    note: str,
    now: datetime,
) -> pl.DataFrame:
    """One snapshot row per new household, shaped as registry.services.snapshots.snapshot_data.

    Built in Polars and encoded to JSON there, so a million persons do not pass through Python
    one by one; personal data is masked the same way `core.pii.mask` masks it.
    """
    if households.height == 0:
        return pl.DataFrame(
            schema={
                "household_id": pl.Int64,
                "taken_at": pl.Datetime,
                "changed_by_id": pl.Int64,
                "reason": pl.Utf8,
                "data": pl.Utf8,
            }
        )
    members = (
        persons.filter(pl.col("household_pos").is_not_null())
        if "household_pos" in persons.columns
        else persons.clear()
    )
    member_struct = pl.struct(
        pl.col("id"),
        _mask_expr(pl.col("id_number"), 4, 4).alias("id_number"),
        *(
            pl.col(f).cast(pl.Utf8) if f in DATE_FIELDS else pl.col(f)
            for f in PERSON_FIELDS
            if f != "id_number"
        ),
    )
    by_household = (
        members.sort("birth_date", "id")
        .group_by("household_id")
        .agg(member_struct.alias("members"))
    )
    member_order = persons.select(
        pl.col("id").alias("person_id"),
        pl.col("name").alias("person_name"),
        "household_id",
        pl.col("birth_date").alias("person_birth_date"),
    )
    income_struct = pl.struct(
        pl.col("id"),
        pl.col("person_id"),
        pl.col("person_name"),
        pl.col("income_type"),
        pl.col("monthly_fen"),
        pl.col("valid_from").cast(pl.Utf8),
        pl.col("valid_to").cast(pl.Utf8),
        pl.col("verified"),
        pl.col("exclusion_reason"),
    )
    # Ordered as snapshot_data orders them: member by member (birth date, id), then by id.
    today = timezone.localdate()
    still_open = pl.col("valid_to").is_null() | (pl.col("valid_to") >= today)
    incomes_by = (
        incomes.filter(still_open)
        .join(member_order, on="person_id")
        .sort("household_id", "person_birth_date", "person_id", "id")
        .group_by("household_id", maintain_order=True)
        .agg(income_struct.alias("incomes"))
    )
    asset_struct = pl.struct(
        pl.col("id"),
        pl.col("kind"),
        pl.col("value_fen"),
        pl.col("is_disability_vehicle"),
        pl.lit("").alias("description"),
        pl.col("valid_from").cast(pl.Utf8),
        pl.col("valid_to").cast(pl.Utf8),
    )
    assets_by = (
        assets.filter(still_open)
        .sort("household_id", "valid_from", "id")
        .group_by("household_id", maintain_order=True)
        .agg(asset_struct.alias("assets"))
    )
    household_struct = pl.struct(
        pl.col("id"),
        pl.col("household_no"),
        pl.col("region_code"),
        pl.col("address"),
        pl.col("residence_type"),
        pl.lit("active").alias("status"),
        pl.col("payee_id"),
        pl.col("bank_name"),
        _mask_expr(pl.col("bank_account"), 0, 4).alias("bank_account"),
        _mask_expr(pl.col("phone"), 3, 4).alias("phone"),
        pl.lit(1).alias("version"),
    )
    joined = (
        households.join(by_household, left_on="id", right_on="household_id", how="left")
        .join(incomes_by, left_on="id", right_on="household_id", how="left")
        .join(assets_by, left_on="id", right_on="household_id", how="left")
    )

    def listed(name: str, frame: pl.DataFrame) -> pl.Expr:
        # An empty list, never null: the history page iterates over each of them.
        return pl.col(name).fill_null(pl.lit([], dtype=frame.schema[name])).alias(name)

    data = joined.select(
        pl.col("id").alias("household_id"),
        pl.struct(
            household_struct.alias("household"),
            listed("members", by_household),
            listed("incomes", incomes_by),
            listed("assets", assets_by),
            pl.struct(
                pl.concat_list(
                    pl.lit(0, dtype=pl.Int64), pl.col("members").list.len().fill_null(0)
                ).alias("members")
            ).alias("changes"),
            pl.lit(note).alias("note"),
        )
        .struct.json_encode()
        .alias("data"),
    )
    return data.with_columns(
        taken_at=pl.lit(now),
        changed_by_id=pl.lit(actor.pk if actor is not None and actor.pk else None, dtype=pl.Int64),
        reason=pl.lit(reason),
    )


def _mask_expr(value: pl.Expr, keep_start: int, keep_end: int) -> pl.Expr:
    """`core.pii.mask` as an expression: 5329**********1234."""
    length = value.str.len_chars()
    hidden = (length - keep_start - keep_end).clip(lower_bound=0)
    masked = pl.concat_str(
        value.str.slice(0, keep_start),
        pl.lit("*").repeat_by(hidden).list.join(""),
        value.str.slice(-keep_end, keep_end) if keep_end else pl.lit(""),
    )
    all_stars = pl.lit("*").repeat_by(length).list.join("")
    return (
        pl.when(value.is_null() | (value == ""))
        .then(pl.lit(""))
        .when(length <= keep_start + keep_end)
        .then(all_stars)
        .otherwise(masked)
    )


# Kept for callers that mask in Python (the same rules as the expression above).
MASKERS = {"id_number": mask, "bank_account": mask_bank_account, "phone": mask_phone}
