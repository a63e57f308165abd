"""Reading an uploaded CSV or XLSX file into a frame of text cells, one row per file row.

Every cell is read as text: the validator decides what it means, so that "007" stays "007" and a
bad value is reported instead of silently coerced. `__row` is the row number the user sees in
Excel (the header is row 1).
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import polars as pl
from django.utils.translation import gettext as _

from huimin.core.errors import ValidationFailed
from huimin.registry.bulk.columns import BY_KEY, COLUMNS, ROW_COLUMN, fold_header, header_lookup

# Columns whose value Excel mangles when it stores them as numbers (18 digits exceed a double).
NUMBER_SENSITIVE = ("id_number", "bank_account")
FIRST_DATA_ROW = 2
XLSX_CHUNK_ROWS = 50_000


@dataclass
class FileContent:
    frame: pl.DataFrame  # one Utf8 column per known key (absent ones filled with ""), + __row
    headers: list[str]  # the file's header cells as written, for the rejected-rows file
    keys: list[str | None]  # per header cell: the column key, or None if not ours
    file_format: str  # "csv" | "xlsx"
    numeric_cells: dict[str, list[int]] = field(default_factory=dict)  # key -> row numbers

    @property
    def rows(self) -> int:
        return self.frame.height


def file_format_of(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in (".csv", ".txt"):
        return "csv"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    raise ValidationFailed(_("Upload a .csv or .xlsx file (the template has both)."), field="file")


def read_file(path: Path, *, file_format: str) -> FileContent:
    if file_format == "csv":
        return _read_csv(path)
    return _read_xlsx(path)


def _read_csv(path: Path) -> FileContent:
    raw = path.read_bytes()
    text = _decode(raw)
    first_line = next(csv.reader(io.StringIO(text.split("\n", 1)[0])), [])
    headers = [cell.strip() for cell in first_line]
    keys = _keys_of(headers)
    # Polars reads the body column by column and position by position, all as text.
    frame = pl.read_csv(
        io.BytesIO(text.encode("utf-8")),
        has_header=True,
        new_columns=[f"c{i}" for i in range(len(headers))],
        infer_schema=False,
        truncate_ragged_lines=True,
    )
    renamed = {f"c{i}": key for i, key in enumerate(keys) if key is not None}
    frame = frame.select(list(renamed)).rename(renamed)
    return FileContent(_complete(frame), headers, keys, "csv")


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # Excel on a Chinese Windows saves "CSV" in GBK; GB 18030 is its superset.
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError as error:
            raise ValidationFailed(
                _("The file is neither UTF-8 nor GBK text; save it again as CSV (UTF-8)."),
                field="file",
            ) from error


def _read_xlsx(path: Path) -> FileContent:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise ValidationFailed(
            _("The file could not be opened as an Excel workbook (.xlsx)."), field="file"
        ) from error
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_row = next(rows, None)
        if header_row is None:
            raise ValidationFailed(_("The file is empty."), field="file")
        headers = [_cell_text(cell) for cell in header_row]
        while headers and not headers[-1]:
            headers.pop()
        keys = _keys_of(headers)
        wanted = [(i, key) for i, key in enumerate(keys) if key is not None]
        numeric: dict[str, list[int]] = {}
        chunks = [
            pl.DataFrame(chunk, schema=[key for _i, key in wanted], orient="row")
            for chunk in _xlsx_chunks(rows, wanted, numeric)
        ]
    finally:
        book.close()
    frame = (
        pl.concat(chunks) if chunks else pl.DataFrame(schema={key: pl.Utf8 for _i, key in wanted})
    )
    return FileContent(_complete(frame), headers, keys, "xlsx", numeric)


def _xlsx_chunks(
    rows: Iterator[tuple], wanted: list[tuple[int, str]], numeric: dict[str, list[int]]
) -> Iterator[list[list[str]]]:
    chunk: list[list[str]] = []
    sensitive = [(i, key) for i, key in wanted if key in NUMBER_SENSITIVE]
    for number, row in enumerate(rows, start=FIRST_DATA_ROW):
        cells = [_cell_text(row[i]) if i < len(row) else "" for i, _key in wanted]
        if not any(cells):
            cells = [""] * len(wanted)  # kept, so row numbers stay those Excel shows
        for i, key in sensitive:
            if i < len(row) and isinstance(row[i], int | float):
                numeric.setdefault(key, []).append(number)
        chunk.append(cells)
        if len(chunk) >= XLSX_CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _keys_of(headers: list[str]) -> list[str | None]:
    lookup = header_lookup()
    keys: list[str | None] = []
    seen: set[str] = set()
    for header in headers:
        key = lookup.get(fold_header(header))
        if key in seen:
            raise ValidationFailed(
                _("The column “%(header)s” appears twice in the header.") % {"header": header},
                field="file",
            )
        if key is not None:
            seen.add(key)
        keys.append(key)
    missing = [c for c in COLUMNS if c.required and c.key not in seen]
    if missing:
        names = "、".join(f"{c.label_zh}（{c.key}）" for c in missing)
        raise ValidationFailed(
            _(
                "Required columns are missing from the header row: %(names)s. Start from the template."
            )
            % {"names": names},
            field="file",
        )
    return keys


def _complete(frame: pl.DataFrame) -> pl.DataFrame:
    """All columns present as trimmed text, empty rows dropped, the file's row numbers attached."""
    frame = frame.with_columns(
        pl.col(name).cast(pl.Utf8).fill_null("").str.strip_chars() for name in frame.columns
    )
    missing = [pl.lit("").alias(key) for key in BY_KEY if key not in frame.columns]
    frame = frame.with_columns(missing).select(list(BY_KEY))
    frame = frame.with_row_index(ROW_COLUMN, offset=FIRST_DATA_ROW).with_columns(
        pl.col(ROW_COLUMN).cast(pl.Int64)
    )
    not_blank = pl.any_horizontal(pl.col(key) != "" for key in BY_KEY)
    return frame.filter(not_blank)
