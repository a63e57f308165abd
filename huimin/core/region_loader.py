"""Loading region tables: the bundled Yunnan/Dali set or a full national file in CSV."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from huimin.core.audit import audit_record
from huimin.core.errors import ValidationFailed
from huimin.core.models import Region, User
from huimin.core.regions import LEVELS, level_of, parent_code, short_code

BUNDLED_REGIONS = Path(__file__).parent / "data" / "regions_yunnan.csv"
BATCH = 5000


@dataclass(frozen=True)
class RegionRow:
    code: str
    level: str
    name_zh: str
    name_en: str
    parent_code: str | None


@dataclass(frozen=True)
class LoadOutcome:
    created: int
    updated: int


def read_region_rows(path: Path) -> list[RegionRow]:
    """Every row checked; the first bad rows are reported together, by row number."""
    rows, problems = [], []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for number, record in enumerate(csv.DictReader(handle), start=2):
            try:
                rows.append(_parse(record))
            except ValidationFailed as error:
                problems.append(f"row {number}: {error.message}")
    if problems:
        shown = "; ".join(problems[:20])
        raise ValidationFailed(
            f"{len(problems)} bad row(s) in {path.name}, nothing loaded: {shown}"
        )
    _check_parents(rows)
    return rows


def _parse(record: dict[str, str]) -> RegionRow:
    code = short_code(record.get("code") or "")
    name_zh = (record.get("name_zh") or "").strip()
    if not name_zh:
        raise ValidationFailed(f"region {code} has no name_zh", field="name_zh")
    level = (record.get("level") or "").strip() or level_of(code)
    if level not in LEVELS or level != level_of(code):
        raise ValidationFailed(
            f"region {code}: level “{level}” does not fit a code of {len(code)} digits"
        )
    given_parent = (record.get("parent_code") or "").strip()
    parent = short_code(given_parent) if given_parent else parent_code(code)
    if parent is not None and not code.startswith(parent):
        raise ValidationFailed(f"region {code}: parent {parent} is not a prefix of its code")
    return RegionRow(code, level, name_zh, (record.get("name_en") or "").strip() or name_zh, parent)


def _check_parents(rows: list[RegionRow]) -> None:
    in_file = {row.code for row in rows}
    wanted = {row.parent_code for row in rows if row.parent_code} - in_file
    known = set(Region.objects.filter(code__in=wanted).values_list("code", flat=True))
    orphans = sorted(wanted - known)
    if orphans:
        raise ValidationFailed(
            f"parent region(s) neither in the file nor loaded: {', '.join(orphans[:20])}"
        )


@transaction.atomic
def regions_load(*, path: Path, actor: User | None = None) -> LoadOutcome:
    rows = read_region_rows(path)
    created = updated = 0
    # Parents before children, so every parent already has its id when a child is written.
    for level in LEVELS:
        level_rows = [row for row in rows if row.level == level]
        if level_rows:
            made, changed = _upsert_level(level_rows)
            created, updated = created + made, updated + changed
    audit_record(
        actor=actor,
        action="regions.load",
        object_type="region",
        changes={"file": path.name, "created": created, "updated": updated},
    )
    return LoadOutcome(created, updated)


def _upsert_level(rows: list[RegionRow]) -> tuple[int, int]:
    parent_codes = {row.parent_code for row in rows if row.parent_code}
    parent_ids = dict(Region.objects.filter(code__in=parent_codes).values_list("code", "id"))
    existing = {r.code: r for r in Region.objects.filter(code__in=[row.code for row in rows])}
    new, changed = [], []
    for row in rows:
        parent_id = parent_ids.get(row.parent_code) if row.parent_code else None
        current = existing.get(row.code)
        if current is None:
            new.append(
                Region(
                    code=row.code,
                    level=row.level,
                    name_zh=row.name_zh,
                    name_en=row.name_en,
                    parent_id=parent_id,
                )
            )
        elif (current.name_zh, current.name_en, current.parent_id) != (
            row.name_zh,
            row.name_en,
            parent_id,
        ):
            current.name_zh, current.name_en, current.parent_id = (
                row.name_zh,
                row.name_en,
                parent_id,
            )
            changed.append(current)
    Region.objects.bulk_create(new, batch_size=BATCH)
    Region.objects.bulk_update(changed, ["name_zh", "name_en", "parent"], batch_size=BATCH)
    return len(new), len(changed)
