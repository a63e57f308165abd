"""Export of a search result in the import template's format, so an export can be re-imported.

Personal data (identity, account and phone numbers) is masked unless the user asks to reveal it
and may (core.reveal_pii); every export writes one audit event with the row count and the reveal,
in the region of the exported rows. Exporting needs the registry pages' permission too.
Text cells that a spreadsheet would run as a formula are neutralised (OWASP's CSV injection rule).
"""

import io
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from huimin.core import access
from huimin.core.audit import audit_record
from huimin.core.errors import NotAllowed, ValidationFailed
from huimin.core.models import User
from huimin.core.pii import mask, mask_bank_account, mask_phone
from huimin.core.regions import common_ancestor
from huimin.registry.bulk.columns import (
    ASSET_COUNT_COLUMNS,
    ASSET_VALUE_COLUMNS,
    COLUMNS,
    INCOME_COLUMNS,
    NOT_COUNTED,
    PARENT_STATUS,
    RELATIONS,
    RESIDENCE,
    SEXES,
    SPECIAL_CARE,
)
from huimin.registry.bulk.template import rows_to_csv
from huimin.registry.ethnic_groups import CHINESE_NAMES
from huimin.registry.models import Asset, Household, IncomeRecord, Person
from huimin.registry.queries import Filters, Search, household_matches, search_parse

EXPORT_MAX_ROWS = 200_000
BATCH = 5000
FORMATS = ("csv", "xlsx")
EXPORT_PERMISSIONS = ("registry.view_household", "registry.export_registry")
# The first characters that make a spreadsheet treat a cell as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
WORDS = {
    "residence_type": RESIDENCE,
    "relation": RELATIONS,
    "sex": SEXES,
    "ethnicity": CHINESE_NAMES,
    "special_care_category": SPECIAL_CARE,
    "not_counted_reason": NOT_COUNTED,
    "father_status": PARENT_STATUS,
    "mother_status": PARENT_STATUS,
}


@dataclass
class ExportFile:
    content: bytes
    file_name: str
    content_type: str
    rows: int


@dataclass
class PreparedExport:
    """What an export will write: checked, parsed, and the people it holds, in order."""

    search: Search
    person_ids: list[int]
    q: str
    village: str
    file_format: str
    reveal: bool
    contains: bool = False

    @property
    def rows(self) -> int:
        return len(self.person_ids)

    def arguments(self) -> dict[str, object]:
        """What a job needs to make the same export again (JSON)."""
        filters = self.search.filters
        return {
            "q": self.q,
            "village": self.village,
            "file_format": self.file_format,
            "reveal": self.reveal,
            "contains": self.contains,
            "age_band": filters.age_band,
            "disability": filters.disability,
            "residence_type": filters.residence_type,
        }


def export_prepare(
    *,
    user: User,
    q: str,
    village: str,
    file_format: str,
    reveal: bool = False,
    filters: Filters | None = None,
    contains: bool = False,
) -> PreparedExport:
    """Check the user may export this, and list the members of the households the search finds
    (the same households as the search page, within the user's jurisdiction)."""
    # An export shows what the registry pages show, so it needs their permission as well.
    if not user.has_perms(EXPORT_PERMISSIONS):
        raise NotAllowed(_("Your role may not export from the registry."))
    if reveal and not user.has_perm("core.reveal_pii"):
        raise NotAllowed(_("Your role may not reveal personal data; export it masked."))
    if file_format not in FORMATS:
        raise ValidationFailed(_("Choose CSV or Excel."), field="format")
    search = search_parse(q, village=village, contains=contains, filters=filters)
    if search.empty:
        raise ValidationFailed(
            _("Search for something, or choose a village, before exporting."), field="q"
        )
    people = Person.objects.filter(household__in=household_matches(user, search)).order_by(
        "household__household_no", "pk"
    )
    ids = list(people.values_list("pk", flat=True)[: EXPORT_MAX_ROWS + 1])
    if len(ids) > EXPORT_MAX_ROWS:
        raise ValidationFailed(
            _("More than %(n)d people match: narrow the search, e.g. to one township.")
            % {"n": EXPORT_MAX_ROWS},
            field="q",
        )
    return PreparedExport(search, ids, q, village, file_format, reveal, contains=search.contains)


def registry_export(
    *,
    user: User,
    q: str,
    village: str,
    file_format: str,
    reveal: bool = False,
    filters: Filters | None = None,
    request: HttpRequest | None = None,
) -> ExportFile:
    """An export made at once (the page's small exports, and the tests)."""
    prepared = export_prepare(
        user=user, q=q, village=village, file_format=file_format, reveal=reveal, filters=filters
    )
    return export_write(user=user, prepared=prepared, request=request)


def export_write(
    *,
    user: User,
    prepared: PreparedExport,
    request: HttpRequest | None = None,
    progress: Callable[[int, int], None] | None = None,
    job_id: int | None = None,
) -> ExportFile:
    """Write the file and its audit event; `progress(done, total)` after each batch of rows."""
    # The reads run in autocommit, batch by batch, outside any transaction: on SQLite every
    # transaction here begins IMMEDIATE and would hold the database's only write lock for the
    # whole export. Only the audit event below needs a (short) transaction.
    file_format, search = prepared.file_format, prepared.search
    region_codes: set[str] = set()
    rows = []
    for row in _rows(
        prepared.person_ids,
        reveal=prepared.reveal,
        as_csv=file_format == "csv",
        regions=region_codes,
    ):
        rows.append(row)
        if progress is not None and len(rows) % BATCH == 0:
            progress(len(rows), prepared.rows)
    headers = [c.label_zh for c in COLUMNS]
    changes: dict[str, object] = {
        "q": prepared.q if search.kind not in ("id_number", "masked") else "<identity number>",
        "village": prepared.village,
        "rows": len(rows),
        "format": file_format,
        "reveal": prepared.reveal,
    }
    if search.filters.any:
        changes["filters"] = {
            k: v for k, v in prepared.arguments().items() if k in FILTER_KEYS and v
        }
    if job_id is not None:
        changes["job"] = job_id
    with transaction.atomic():
        audit_record(
            actor=user,
            action="registry.export",
            object_type="export",
            region_code=_export_region(user, region_codes, village=search.village),
            changes=changes,
            request=request,
        )
    if file_format == "csv":
        return ExportFile(
            rows_to_csv(headers, rows), "registry.csv", "text/csv; charset=utf-8", len(rows)
        )
    return ExportFile(
        _rows_to_xlsx(headers, rows),
        "registry.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        len(rows),
    )


FILTER_KEYS = ("age_band", "disability", "residence_type")


def _export_region(user: User, exported: set[str], *, village: str) -> str:
    """The region the export concerns, so that the auditors of that region see the event.

    The villages of the exported rows decide; with no rows, the village chosen, or else the
    exporter's whole jurisdiction.
    """
    if exported:
        return common_ancestor(exported)
    return village or common_ancestor(access.region_codes_of(user))


def neutralise_formula(text: str) -> str:
    """OWASP's rule against formula injection in CSV: a cell a spreadsheet would read as a
    formula (=, +, -, @, tab, carriage return first) is written after a single quote."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _rows_to_xlsx(headers: list[str], rows: list[list[str]]) -> bytes:
    """Every cell is written with the string data type: openpyxl would otherwise store a value
    beginning with '=' as a live formula (HYPERLINK, DDE)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("registry")
    sheet.append(list(headers))
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rows(ids: list[int], *, reveal: bool, as_csv: bool, regions: set[str]):  # type: ignore[no-untyped-def]
    show_id = (lambda v: v) if reveal else mask
    show_account = (lambda v: v) if reveal else mask_bank_account
    show_phone = (lambda v: v) if reveal else mask_phone
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        people = list(Person.objects.filter(pk__in=batch).order_by("household__household_no", "pk"))
        households = {
            h.pk: h for h in Household.objects.filter(pk__in={p.household_id for p in people})
        }
        incomes = _incomes(batch)
        assets = _assets(list(households))
        regions.update(h.region_code for h in households.values())
        for person in people:
            household = households[person.household_id]
            values = {
                "household_no": household.household_no,
                "village_code": household.region_code,
                "address": household.address,
                "residence_type": household.residence_type,
                "bank_name": household.bank_name,
                "bank_account": show_account(household.bank_account),
                "phone": show_phone(household.phone),
                "payee": household.payee_id == person.pk,
                "id_number": show_id(person.id_number),
                **{name: getattr(person, name) for name in _PERSON_COLUMNS},
                **incomes.get(person.pk, {}),
                **assets.get(household.pk, {}),
            }
            yield [_cell(column.key, values.get(column.key), as_csv=as_csv) for column in COLUMNS]


_PERSON_COLUMNS = [
    c.key
    for c in COLUMNS
    if c.level.value == "person"
    and c.key not in ("id_number", "payee")
    and not c.key.startswith("income_")
]


def _cell(key: str, value: object, *, as_csv: bool = True) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if key in WORDS:
        return WORDS[key].get(str(value), str(value))
    if key in INCOME_COLUMNS or key in ASSET_VALUE_COLUMNS:
        fen = int(value)  # type: ignore[call-overload]
        sign = "-" if fen < 0 else ""
        return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"
    if isinstance(value, str):
        # Text typed by someone (a name, an address) may be a formula; numbers are left alone.
        return neutralise_formula(value) if as_csv else value
    return str(value)


def _incomes(person_ids: list[int]) -> dict[int, dict[str, int]]:
    column_of = {kind: column for column, kind in INCOME_COLUMNS.items()}
    found: dict[int, dict[str, int]] = {}
    for person_id, kind, fen in IncomeRecord.objects.filter(
        person_id__in=person_ids, valid_to__isnull=True, income_type__in=list(column_of)
    ).values_list("person_id", "income_type", "monthly_fen"):
        cells = found.setdefault(person_id, {})
        cells[column_of[kind]] = cells.get(column_of[kind], 0) + fen
    return found


def _assets(household_ids: list[int]) -> dict[int, dict[str, object]]:
    value_column = {kind: column for column, kind in ASSET_VALUE_COLUMNS.items()}
    count_column = {kind: column for column, kind in ASSET_COUNT_COLUMNS.items()}
    frame = pl.DataFrame(
        list(
            Asset.objects.filter(household_id__in=household_ids, valid_to__isnull=True).values_list(
                "household_id", "kind", "value_fen", "is_disability_vehicle"
            )
        ),
        schema={
            "household_id": pl.Int64,
            "kind": pl.Utf8,
            "value_fen": pl.Int64,
            "disabled": pl.Boolean,
        },
        orient="row",
    )
    found: dict[int, dict[str, object]] = {}
    for household_id, kind, total, count, disabled in (
        frame.group_by("household_id", "kind")
        .agg(pl.col("value_fen").sum(), pl.len(), pl.col("disabled").any())
        .iter_rows()
    ):
        cells = found.setdefault(household_id, {})
        if kind in value_column:
            cells[value_column[kind]] = total
        if kind in count_column:
            cells[count_column[kind]] = count
        if kind == "vehicle":
            cells["disability_vehicle"] = disabled
    return found
