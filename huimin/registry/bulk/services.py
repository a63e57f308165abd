"""Bulk writes of the registry: import a file (dry run, all-or-nothing, valid rows), generate.

    registry_import_run(*, user, path, file_name, mode, progress=None) -> ImportOutcome

`mode` is "check" (dry run: validate only), "all" (all-or-nothing: refuse the whole file if any
row is wrong) or "valid" (import the households whose rows are all right, return the others as a
file to fix and upload again). Every mode validates the file afresh, against the registry as it
is now. Writing happens in one transaction with one audit event and one snapshot per created or
changed household.

Identity numbers (through their blind index) and household numbers are the keys: importing the
same file twice creates nothing the second time. A known person in the same household is updated
from the file where a value differs and left alone otherwise; members missing from the file are
not removed, and a person already in another household is refused (moves are transfers). An
income or asset column with a value replaces the open record of that type when the amount
differs; an empty cell leaves the registry as it is.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.core.audit import audit_record
from huimin.core.errors import ValidationFailed
from huimin.core.models import User
from huimin.registry.bulk import loader
from huimin.registry.bulk.columns import (
    ASSET_COUNT_COLUMNS,
    ASSET_VALUE_COLUMNS,
    BY_KEY,
    ERROR_COLUMN,
    ERROR_LABEL,
    INCOME_COLUMNS,
    ROW_COLUMN,
)
from huimin.registry.bulk.reading import FileContent, file_format_of, read_file
from huimin.registry.bulk.template import rows_to_csv, rows_to_xlsx
from huimin.registry.bulk.validation import CheckResult, check_file
from huimin.registry.models import Asset, Household, HouseholdSnapshot, IncomeRecord, Person
from huimin.registry.validation import NOT_COUNTED_INCOME

MODES = ("check", "all", "valid")
REPORTED_ERRORS = 500  # the first errors kept in the job's outcome and shown on the page
Progress = Callable[[int, int, str], None]


@dataclass
class ImportOutcome:
    mode: str
    file_name: str
    counts: dict[str, int]
    errors: list[list[Any]]  # [row, column key, column label, message], the first REPORTED_ERRORS
    rejected_file: str = ""  # path of the rejected rows, same format as the upload
    written: dict[str, int] = field(default_factory=dict)
    imported: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "file_name": self.file_name,
            "counts": self.counts,
            "errors": self.errors,
            "errors_shown": len(self.errors),
            "rejected_file": self.rejected_file,
            "written": self.written,
            "imported": self.imported,
        }


def registry_import_run(
    *,
    user: User,
    path: Path,
    file_name: str,
    mode: str,
    progress: Progress | None = None,
) -> ImportOutcome:
    if mode not in MODES:
        raise ValidationFailed(f"unknown import mode {mode!r}", field="mode")
    if not user.has_perm("registry.import_registry"):
        raise ValidationFailed(_("Your role may not import into the registry."))
    report = progress or (lambda done, total, message: None)
    content = read_file(path, file_format=file_format_of(file_name))
    total = content.rows
    report(0, total, _("Checking %(rows)d rows") % {"rows": total})
    checked = check_file(content, user=user)
    outcome = ImportOutcome(
        mode=mode,
        file_name=file_name,
        counts=checked.counts,
        errors=[
            [row, column, BY_KEY[column].label_zh if column in BY_KEY else "", message]
            for row, column, message in checked.errors.head(REPORTED_ERRORS).iter_rows()
        ],
    )
    if checked.counts["rows_rejected"]:
        outcome.rejected_file = str(_write_rejected(content, checked, path))
    if mode == "check":
        report(total, total, _("Checked"))
        return outcome
    if mode == "all" and checked.counts["rows_rejected"]:
        raise ValidationFailed(
            _(
                "Nothing was imported: %(rows)d rows have errors and you chose all or nothing. "
                "Fix them, or import only the valid rows."
            )
            % {"rows": checked.counts["rows_rejected"]}
        )
    report(total // 2, total, _("Writing"))
    outcome.written = _write(checked, user=user, file_name=file_name, mode=mode)
    outcome.imported = True
    report(total, total, _("Imported"))
    return outcome


# --- the rejected rows ------------------------------------------------------------------------


def _write_rejected(content: FileContent, checked: CheckResult, upload: Path) -> Path:
    texts = checked.error_text_by_row()
    rejected = content.frame.filter(pl.col(ROW_COLUMN).is_in(list(texts)))
    rejected = rejected.with_columns(
        pl.col(ROW_COLUMN).replace_strict(texts, return_dtype=pl.Utf8).alias(ERROR_COLUMN)
    )
    keys = [key for key in content.keys if key is not None]
    headers = [h for h, key in zip(content.headers, content.keys, strict=False) if key is not None]
    headers.append(f"{ERROR_LABEL} {ERROR_COLUMN}")
    rows = rejected.select([*keys, ERROR_COLUMN]).iter_rows()
    target = upload.with_name(f"{upload.stem}-rejected.{content.file_format}")
    if content.file_format == "csv":
        target.write_bytes(rows_to_csv(headers, rows))
    else:
        target.write_bytes(rows_to_xlsx(headers, rows, title="rejected"))
    return target


# --- writing ----------------------------------------------------------------------------------


@transaction.atomic
def _write(checked: CheckResult, *, user: User, file_name: str, mode: str) -> dict[str, int]:
    rows = checked.accepted
    today = timezone.localdate()
    new_households, new_persons, new_incomes, new_assets = _new_records(rows, today)
    note = f"{file_name}"
    written = loader.write_new(
        loader.RegistryFrames(new_households, new_persons, new_incomes, new_assets),
        actor=user,
        as_of=today,
        reason="import",
        note=note,
    )
    changed = _apply_changes(rows, today)
    if changed:
        _snapshot_changed(changed, user=user, note=note)
    counts = {
        "households_created": written.counts["households"],
        "persons_created": written.counts["persons"],
        "households_changed": len(changed),
        "incomes_created": written.counts["incomes"],
        "assets_created": written.counts["assets"],
    }
    villages = rows["village_code"].filter(rows["village_code"] != "").unique().to_list()
    audit_record(
        actor=user,
        action="registry.import",
        object_type="import",
        object_id=file_name[:64],
        region_code=_common_prefix(villages),
        changes={
            "file": file_name,
            "mode": mode,
            **counts,
            "rows": checked.counts["rows"],
            "rows_rejected": checked.counts["rows_rejected"],
        },
    )
    return counts


def _common_prefix(codes: list[str]) -> str:
    if not codes:
        return ""
    first, last = min(codes), max(codes)
    length = 0
    while length < min(len(first), len(last)) and first[length] == last[length]:
        length += 1
    return first[:length]


def _household_values(rows: pl.DataFrame) -> pl.DataFrame:
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


def _new_records(
    rows: pl.DataFrame, today: date
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    new_rows = rows.filter(pl.col("person_id").is_null())
    households = (
        _household_values(rows.filter(pl.col("household_id").is_null()))
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
    person_frame = persons.with_columns(_person_defaults()).select(
        "household_pos", "household_id", *(pl.col(f) for f in loader.PERSON_FIELDS)
    )
    incomes = _income_rows(persons.select("person_pos", *INCOME_COLUMNS), "person_pos", today)
    assets = _asset_rows(households, "household_pos", today)
    return household_frame, person_frame, incomes, assets


def _person_defaults() -> list[pl.Expr]:
    return [
        pl.col("sex").fill_null(pl.col("id_sex")),
        pl.col("birth_date").fill_null(pl.col("id_birth_date")),
        pl.col("ethnicity").fill_null(""),
        pl.col("counted_in_family").fill_null(pl.col("not_counted_reason").is_null()),
        pl.col("not_counted_reason").fill_null(""),
    ]


def _income_rows(frame: pl.DataFrame, owner: str, today: date) -> pl.DataFrame:
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
        counts_as_income=~pl.col("income_type").is_in([str(t) for t in NOT_COUNTED_INCOME]),
    )


def _asset_rows(households: pl.DataFrame, owner: str, today: date) -> pl.DataFrame:
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


# --- changes to what the registry already holds ----------------------------------------------

HOUSEHOLD_UPDATABLE = (
    "region_code",
    "address",
    "residence_type",
    "bank_name",
    "bank_account",
    "phone",
)
PERSON_UPDATABLE = tuple(f for f in loader.PERSON_FIELDS if f != "id_number")
BATCH = 2000


def _apply_changes(rows: pl.DataFrame, today: date) -> set[int]:
    """Update known households and persons where the file differs; return the changed households."""
    changed: set[int] = set()
    known = rows.filter(pl.col("household_id").is_not_null())
    if known.height == 0:
        return changed
    changed |= _update_households(_household_values(known), rows)
    changed |= _update_persons(known.filter(pl.col("person_id").is_not_null()))
    changed |= _replace_incomes(known.filter(pl.col("person_id").is_not_null()), today)
    changed |= _replace_assets(_household_values(known), today)
    # New members of known households count as a change of those households.
    changed |= set(known.filter(pl.col("person_id").is_null())["household_id"].to_list())
    return changed


def _update_households(values: pl.DataFrame, rows: pl.DataFrame) -> set[int]:
    by_id = {row["household_id"]: row for row in values.iter_rows(named=True)}
    payees = dict(
        rows.filter((pl.col("payee") == True) & pl.col("person_id").is_not_null())  # noqa: E712
        .select("household_id", "person_id")
        .iter_rows()
    )
    changed: list[Household] = []
    for household in Household.objects.filter(pk__in=list(by_id)).select_for_update():
        row = by_id[household.pk]
        wanted = {
            "region_code": row["village_code"], "address": row["address"],
            "residence_type": row["residence_type"], "bank_name": row["bank_name"],
            "bank_account": row["bank_account"], "phone": row["phone"],
        }  # fmt: skip
        differs = False
        for name, value in wanted.items():
            if value not in (None, "") and getattr(household, name) != value:
                setattr(household, name, value)
                differs = True
        payee = payees.get(household.pk)
        if payee is not None and household.payee_id != payee:
            household.payee_id = payee
            differs = True
        if differs:
            household.version += 1
            # bulk_update does not run pre_save: the blind indexes are set here.
            household.bank_account_index = _index_of(household.bank_account)
            household.phone_index = _index_of(household.phone)
            household.updated_at = timezone.now()
            changed.append(household)
    Household.objects.bulk_update(
        changed,
        [
            *HOUSEHOLD_UPDATABLE,
            "payee",
            "version",
            "bank_account_index",
            "phone_index",
            "updated_at",
        ],
        batch_size=BATCH,
    )
    return {h.pk for h in changed}


def _index_of(value: str) -> str:
    from huimin.core.pii import blind_index

    return blind_index(value) if value else ""


def _update_persons(known: pl.DataFrame) -> set[int]:
    if known.height == 0:
        return set()
    wanted = {
        row["person_id"]: row
        for row in known.with_columns(_person_defaults()).iter_rows(named=True)
    }
    changed: list[Person] = []
    ids = list(wanted)
    for start in range(0, len(ids), BATCH):
        for person in Person.objects.filter(pk__in=ids[start : start + BATCH]):
            row = wanted[person.pk]
            differs = False
            for name in PERSON_UPDATABLE:
                value = row[name]
                if getattr(person, name) != value:
                    setattr(person, name, value)
                    differs = True
            if differs:
                person.updated_at = timezone.now()
                changed.append(person)
    Person.objects.bulk_update(changed, [*PERSON_UPDATABLE, "updated_at"], batch_size=BATCH)
    return {p.household_id for p in changed}


def _replace_incomes(known: pl.DataFrame, today: date) -> set[int]:
    """An income cell with a value replaces the open record of that type when the amount differs."""
    given = _income_rows(known.select("person_id", *INCOME_COLUMNS), "person_id", today)
    stated = (
        known.unpivot(index=["person_id", "household_id"], on=list(INCOME_COLUMNS))
        .filter(pl.col("value").is_not_null())
        .with_columns(pl.col("variable").replace_strict(INCOME_COLUMNS).alias("income_type"))
    )
    if stated.height == 0:
        return set()
    open_records = pl.DataFrame(
        list(
            IncomeRecord.objects.filter(
                person_id__in=stated["person_id"].unique().to_list(), valid_to__isnull=True
            ).values_list("pk", "person_id", "income_type", "monthly_fen", "valid_from")
        ),
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


def _replace_assets(values: pl.DataFrame, today: date) -> set[int]:
    given = _asset_rows(values, "household_id", today)
    stated_kinds = []
    for column, kind in {**ASSET_VALUE_COLUMNS, **ASSET_COUNT_COLUMNS}.items():
        stated_kinds.append(
            values.filter(pl.col(column).is_not_null()).select("household_id", kind=pl.lit(kind))
        )
    stated = pl.concat(stated_kinds)
    if stated.height == 0:
        return set()
    open_records = pl.DataFrame(
        list(
            Asset.objects.filter(
                household_id__in=stated["household_id"].unique().to_list(), valid_to__isnull=True
            ).values_list("pk", "household_id", "kind", "value_fen", "valid_from")
        ),
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
    for start in range(0, len(earlier), BATCH):
        model.objects.filter(pk__in=earlier[start : start + BATCH]).update(valid_to=yesterday)
    for start in range(0, len(began_today), BATCH):
        model.objects.filter(pk__in=began_today[start : start + BATCH]).update(valid_to=today)


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
            "counts_as_income": pl.Boolean,
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


def _snapshot_changed(household_ids: set[int], *, user: User, note: str) -> None:
    # Known households changed by an import are usually few; their snapshot reads the registry
    # as the household pages do, so it includes members the file did not mention.
    from huimin.registry.services import snapshot_data

    now = timezone.now()
    snapshots = [
        HouseholdSnapshot(
            household=household,
            taken_at=now,
            changed_by=user,
            reason="import",
            data={**snapshot_data(household), "changes": {}, "note": note},
        )
        for household in Household.objects.filter(pk__in=sorted(household_ids))
    ]
    HouseholdSnapshot.objects.bulk_create(snapshots, batch_size=BATCH)


# --- generate ---------------------------------------------------------------------------------


@dataclass
class Generated:
    counts: dict[str, int]
    skipped: bool = False


def registry_generate(
    *, region: str, persons: int, seed: int, parquet: Path | None = None, if_empty: bool = False
) -> Generated:
    """A synthetic population for the villages under `region` (from the Region table)."""
    from huimin.core.models import Region
    from huimin.registry import synthetic
    from huimin.registry.bulk.population import frames_from_synthetic

    if if_empty and parquet is None and Household.objects.exists():
        return Generated(counts={}, skipped=True)
    villages = sorted(
        Region.objects.filter(level="village", code__startswith=region).values_list(
            "code", flat=True
        )
    )
    if not villages:
        raise ValidationFailed(
            f"no villages under {region!r} in the region table: run `huimin load_regions` first",
            field="region",
        )
    if persons < 1:
        raise ValidationFailed("--persons must be at least 1", field="persons")
    population = synthetic.generate(villages, persons=persons, seed=seed)
    if parquet is not None:
        synthetic.write_parquet(population, parquet)
        return Generated(counts={"households": population.households.height, "persons": persons})
    frames = frames_from_synthetic(population)
    with transaction.atomic():
        written = loader.write_new(
            frames, actor=None, as_of=population.as_of, reason="generate", note=f"seed {seed}"
        )
        audit_record(
            actor=None,
            action="registry.generate",
            object_type="population",
            object_id=f"seed {seed}",
            region_code=region,
            changes={"seed": seed, **written.counts},
        )
    return Generated(counts=written.counts)
