"""Import a file: check it, refuse or keep going by mode, write the accepted rows in one go."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.core.audit import audit_record, audit_record_many
from huimin.core.errors import ValidationFailed
from huimin.core.models import User
from huimin.core.regions import common_ancestor
from huimin.registry.bulk import loader
from huimin.registry.bulk.batches import batched
from huimin.registry.bulk.columns import BY_KEY, ERROR_COLUMN, ERROR_LABEL, ROW_COLUMN
from huimin.registry.bulk.reading import FileContent, file_format_of, read_file
from huimin.registry.bulk.services.new_records import household_values, new_records
from huimin.registry.bulk.services.replacing import replace_assets, replace_incomes
from huimin.registry.bulk.services.updating import (
    Changes,
    snapshot_changed,
    update_households,
    update_persons,
)
from huimin.registry.bulk.template import rows_to_csv, rows_to_xlsx
from huimin.registry.bulk.validation import CheckResult, check_file
from huimin.registry.models import Household

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


@transaction.atomic
def _write(checked: CheckResult, *, user: User, file_name: str, mode: str) -> dict[str, int]:
    rows = checked.accepted
    today = timezone.localdate()
    new_households, new_persons, new_incomes, new_assets = new_records(rows, today)
    note = f"{file_name}"
    written = loader.write_new(
        loader.RegistryFrames(new_households, new_persons, new_incomes, new_assets),
        actor=user,
        as_of=today,
        reason="import",
        note=note,
    )
    changes = apply_changes(rows, today)
    snapshot_changed(changes, user=user, note=note)
    _audit_households(user, file_name, changes, written)
    changed = set(changes)
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
        region_code=common_ancestor(villages),
        changes={
            "file": file_name,
            "mode": mode,
            **counts,
            "rows": checked.counts["rows"],
            "rows_rejected": checked.counts["rows_rejected"],
        },
    )
    return counts


def apply_changes(rows: pl.DataFrame, today: date) -> Changes:
    """Update known households and persons where the file differs; what changed, by household."""
    changes: Changes = {}
    known = rows.filter(pl.col("household_id").is_not_null())
    if known.height == 0:
        return changes
    update_households(household_values(known), rows, changes)
    update_persons(known.filter(pl.col("person_id").is_not_null()), changes)
    replace_incomes(known.filter(pl.col("person_id").is_not_null()), today, changes)
    replace_assets(household_values(known), today, changes)
    # New members of known households count as a change of those households.
    added = known.filter(pl.col("person_id").is_null()).group_by("household_id").agg(pl.len())
    for household_id, count in added.iter_rows():
        changes.setdefault(household_id, {})["persons_added"] = count
    return changes


def _audit_households(
    user: User, file_name: str, changes: Changes, written: loader.Written
) -> None:
    """One audit event per created or changed household, as a change by hand writes one."""
    created = written.household_ids.to_list()
    ids = sorted({*changes, *created})
    details = {
        pk: (no, region)
        for batch in batched(ids)
        for pk, no, region in Household.objects.filter(pk__in=batch).values_list(
            "pk", "household_no", "region_code"
        )
    }
    created_set = set(created)
    audit_record_many(
        actor=user,
        events=(
            {
                "action": "household.import_create" if pk in created_set else "household.import",
                "object_type": "registry.household",
                "object_id": pk,
                "region_code": details[pk][1],
                "changes": {"household": details[pk][0], "file": file_name, **changes.get(pk, {})},
            }
            for pk in ids
        ),
    )
