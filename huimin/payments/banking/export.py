"""The bank file of a payroll cycle, written in a layout (layouts.py), byte for byte reproducible.

    bank_file_build(layout, lines, cycle=CycleInfo(...)) -> BankFile(name, content, sha256, ...)

`lines` are BankLine values or, for a large cycle, a Polars frame with the same columns (see
LINE_SCHEMA): the file is built column by column with Polars expressions, so a million lines take
seconds; the only Python work per value is for GB18030 widths and for naming the lines of a
refusal. The same lines and cycle always give the same bytes: lines are sorted (by line id, or by
account and line id when the layout keeps an account's lines together), nothing depends on the
clock, and an XLSX workbook gets fixed properties and fixed zip timestamps.

A line that cannot be written (a name with a character the encoding lacks, a value wider than its
column, no account, an amount not above zero, a line id given twice) refuses the whole file with
BankFileRefused, which names every such line.
"""

import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from operator import attrgetter

import polars as pl
from django.utils.translation import gettext as _

from huimin.core.errors import HuiminError
from huimin.payments.banking.layouts import TEXT_SOURCES, Column, Layout
from huimin.rules.periods import parse_period

XLSX_MAX_ROWS = 1_048_576
# What a refusal's message lists; the exception keeps up to PROBLEMS_KEPT of them.
PROBLEMS_SHOWN = 20
PROBLEMS_KEPT = 1000


@dataclass(frozen=True, slots=True)
class BankLine:
    """One payment line as the bank file needs it (the payments app builds these from its lines)."""

    line_id: int
    payee_name: str
    account_number: str
    bank_code: str
    amount_fen: int
    program: str = ""
    household_number: str = ""
    id_number: str = ""
    village_code: str = ""
    collector_name: str = ""  # a proxy or guardian who collects for the payee, if any


LINE_SCHEMA: Mapping[str, type[pl.DataType]] = {
    "line_id": pl.Int64,
    "payee_name": pl.String,
    "account_number": pl.String,
    "bank_code": pl.String,
    "amount_fen": pl.Int64,
    "program": pl.String,
    "household_number": pl.String,
    "id_number": pl.String,
    "village_code": pl.String,
    "collector_name": pl.String,
}
_REQUIRED = ("line_id", "payee_name", "account_number", "amount_fen")


@dataclass(frozen=True)
class CycleInfo:
    """The cycle a file belongs to: its region code, month ('YYYY-MM'), sequence and bank."""

    region: str
    month: str
    sequence: int
    bank: str
    pay_date: dt.date | None = None

    def record_values(self) -> dict[str, str]:
        period = parse_period(self.month)
        return {
            "bank": self.bank,
            "region": self.region,
            "month": f"{period.year:04d}{period.month:02d}",
            "sequence": str(self.sequence),
            "pay_date": self.pay_date.strftime("%Y%m%d") if self.pay_date else "",
        }

    def file_name(self, pattern: str) -> str:
        values = self.record_values()
        return pattern.format(
            bank=self.bank, region=self.region, month=values["month"], sequence=self.sequence
        )


@dataclass(frozen=True)
class BankFile:
    name: str
    content: bytes
    sha256: str
    count: int
    total_fen: int


@dataclass(frozen=True)
class LineProblem:
    line_id: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.line_id is None:
            return f"{self.column}: {self.message}"
        return _("line %(line)s, %(column)s: %(message)s") % {
            "line": self.line_id,
            "column": self.column,
            "message": self.message,
        }


class BankFileRefused(HuiminError):
    """The file was not written; `problems` names each line that stopped it (up to 1000)."""

    def __init__(self, problems: list[LineProblem], *, total: int | None = None) -> None:
        total = len(problems) if total is None else total
        shown = "; ".join(str(problem) for problem in problems[:PROBLEMS_SHOWN])
        if total > PROBLEMS_SHOWN:
            shown += " " + _("(and %(more)s more)") % {"more": total - PROBLEMS_SHOWN}
        super().__init__(_("The bank file was not written: %(problems)s") % {"problems": shown})
        self.problems = problems[:PROBLEMS_KEPT]
        self.total = total


def bank_lines_frame(lines: Iterable[BankLine]) -> pl.DataFrame:
    """The lines as a frame of LINE_SCHEMA, one column at a time."""
    rows = list(lines)
    return pl.DataFrame(
        {field.name: list(map(attrgetter(field.name), rows)) for field in fields(BankLine)},
        schema=dict(LINE_SCHEMA),
    )


def bank_file_build(
    layout: Layout, lines: Iterable[BankLine] | pl.DataFrame, *, cycle: CycleInfo
) -> BankFile:
    """The bank file of these lines in this layout, or BankFileRefused naming every bad line."""
    frame = _lines_checked(lines)
    frame = frame.sort(
        ["account_number", "line_id"] if layout.group_by_account else ["line_id"]
    ).with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("seq"))
    count = frame.height
    total_fen = int(frame["amount_fen"].sum()) if count else 0
    values = cycle.record_values() | {"count": str(count), "total": str(total_fen)}
    name = cycle.file_name(layout.file_name)
    if layout.format == "xlsx":
        content = _xlsx(layout, frame, values, cycle)
    else:
        content = _text(layout, frame, values)
    return BankFile(
        name=name,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        count=count,
        total_fen=total_fen,
    )


# --- checks ---------------------------------------------------------------------------------


def _lines_checked(lines: Iterable[BankLine] | pl.DataFrame) -> pl.DataFrame:
    frame = lines if isinstance(lines, pl.DataFrame) else bank_lines_frame(lines)
    missing = [name for name in _REQUIRED if name not in frame.columns]
    if missing:
        raise BankFileRefused(
            [LineProblem(None, name, _("the lines have no such column")) for name in missing]
        )
    frame = frame.select(
        (pl.col(name) if name in frame.columns else pl.lit("")).cast(dtype).alias(name)
        for name, dtype in LINE_SCHEMA.items()
    ).with_columns(
        pl.col(name).fill_null("") for name, dtype in LINE_SCHEMA.items() if dtype == pl.String
    )
    checks = [
        (pl.col("line_id").is_null(), "line_id", _("the line has no id")),
        (pl.col("line_id").is_duplicated(), "line_id", _("the same line id is given twice")),
        (pl.col("payee_name").str.strip_chars() == "", "payee_name", _("the payee has no name")),
        (
            pl.col("account_number").str.strip_chars() == "",
            "account_number",
            _("the line has no account number"),
        ),
        (
            pl.col("amount_fen").is_null() | (pl.col("amount_fen") <= 0),
            "amount_fen",
            _("the amount must be more than zero"),
        ),
    ]
    _refuse_where(frame, checks)
    return frame


def _refuse_where(frame: pl.DataFrame, checks: list[tuple[pl.Expr, str, str]]) -> None:
    found = pl.concat(
        [
            frame.filter(condition).select(
                pl.col("line_id"), pl.lit(column).alias("column"), pl.lit(message).alias("message")
            )
            for condition, column, message in checks
        ]
    )
    if found.height:
        _refuse(found)


def _refuse(found: pl.DataFrame) -> None:
    found = found.sort("line_id", nulls_last=True, maintain_order=True)
    problems = [
        LineProblem(row["line_id"], row["column"], row["message"])
        for row in found.head(PROBLEMS_KEPT).iter_rows(named=True)
    ]
    raise BankFileRefused(problems, total=found.height)


# --- text files (fixed width, CSV) ----------------------------------------------------------


def _yuan(fen: pl.Expr) -> pl.Expr:
    return pl.concat_str(
        [(fen // 100).cast(pl.String), pl.lit("."), (fen % 100).cast(pl.String).str.zfill(2)]
    )


def _yuan_text(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def _cell(column: Column) -> pl.Expr:
    """The text of a detail column for every line."""
    if column.value is not None:
        return pl.lit(column.value)
    assert column.source is not None  # noqa: S101 (a column has a value or a source)
    if column.amount == "yuan":
        return _yuan(pl.col(column.source))
    return pl.col(column.source).cast(pl.String)


def _record_text(column: Column, values: Mapping[str, str]) -> str:
    if column.value is not None:
        return column.value
    assert column.source is not None  # noqa: S101
    text = values[column.source]
    if column.amount == "yuan":
        return _yuan_text(int(text))
    return text


def _text(layout: Layout, frame: pl.DataFrame, values: Mapping[str, str]) -> bytes:
    ending = layout.line_ending
    if layout.format == "fixed":
        header = _fixed_record(layout, layout.header, values, "header")
        trailer = _fixed_record(layout, layout.trailer, values, "trailer")
        body = _fixed_body(layout, frame)
        titles = None
    else:
        delimiter = layout.delimiter
        header = _csv_record(layout.header, values, delimiter)
        trailer = _csv_record(layout.trailer, values, delimiter)
        titles = (
            delimiter.join(
                _csv_quote(column.title or column.name, delimiter) for column in layout.columns
            )
            if layout.column_titles
            else None
        )
        body = frame.select(
            pl.concat_str(
                [_csv_quoted(_cell(column), delimiter) for column in layout.columns],
                separator=delimiter,
            ).alias("record")
        )["record"]
    parts = [part for part in (header, titles) if part is not None]
    if body.len():
        parts.append(body.str.join(ending).item())
    if trailer is not None:
        parts.append(trailer)
    text = ending.join(parts) + ending
    try:
        content = text.encode(layout.encoding)
    except UnicodeEncodeError:
        _refuse_unencodable(layout, frame)
        raise
    if layout.format == "fixed":
        expected = _fixed_size(layout, frame.height, header, trailer)
        if len(content) != expected:
            # A character whose width the fast count got wrong (GBK's euro sign is one byte):
            # measure every value exactly and build again.
            body = _fixed_body(layout, frame, exact=True)
            parts = [part for part in (header,) if part is not None] + [
                body.str.join(ending).item()
            ]
            parts += [trailer] if trailer is not None else []
            content = (ending.join(parts) + ending).encode(layout.encoding)
    return content


def _fixed_size(layout: Layout, count: int, header: str | None, trailer: str | None) -> int:
    width = sum(column.width or 0 for column in layout.columns)
    ending = len(layout.line_ending)
    size = count * (width + ending)
    for record in (header, trailer):
        if record is not None:
            size += len(record.encode(layout.encoding)) + ending
    return size


def _byte_extra(expr: pl.Expr, encoding: str) -> pl.Expr:
    """How many more bytes than characters a value takes in `encoding` (fast count)."""
    if encoding == "utf-8":
        return (expr.str.len_bytes() - expr.str.len_chars()).cast(pl.Int64)
    # GBK and GB18030 write every non-ASCII character of GBK in two bytes.
    return expr.str.count_matches(r"[^\x00-\x7F]").cast(pl.Int64)


def _exact_extra(series: pl.Series, encoding: str) -> pl.Series:
    """The same, measured by encoding each distinct non-ASCII value (GB18030's four-byte ones)."""
    distinct = series.filter(~series.str.contains(r"^[\x00-\x7F]*$")).unique()
    measured = {}
    for value in distinct.to_list():
        try:
            measured[value] = len(value.encode(encoding)) - len(value)
        except UnicodeEncodeError:
            measured[value] = 0  # refused elsewhere, by name
    return series.replace_strict(measured, default=0, return_dtype=pl.Int64)


def _fixed_body(layout: Layout, frame: pl.DataFrame, *, exact: bool = False) -> pl.Series:
    exact = exact or layout.encoding == "gb18030"
    cells = frame.select(
        [pl.col("line_id")] + [_cell(column).alias(f"c_{column.name}") for column in layout.columns]
    )
    for column in layout.columns:
        if column.source in TEXT_SOURCES:
            measured = (
                _exact_extra(cells[f"c_{column.name}"], layout.encoding)
                if exact
                else cells.select(
                    _byte_extra(pl.col(f"c_{column.name}"), layout.encoding)
                ).to_series()
            )
            cells = cells.with_columns(measured.alias(f"x_{column.name}"))
    checks = []
    padded = []
    for column in layout.columns:
        assert column.width is not None  # noqa: S101 (checked when the layout loads)
        text = pl.col(f"c_{column.name}")
        extra = (
            pl.col(f"x_{column.name}")
            if column.source in TEXT_SOURCES
            else pl.lit(0, dtype=pl.Int64)
        )
        size = text.str.len_chars().cast(pl.Int64) + extra
        checks.append(
            (
                size > column.width,
                column.source or column.name,
                _("the value does not fit the layout's %(width)s bytes for “%(column)s”")
                % {"width": column.width, "column": column.name},
            )
        )
        if column.source in TEXT_SOURCES:
            checks.append(
                (
                    text.str.contains(r"[\r\n]"),
                    column.source or column.name,
                    _("the value contains a line break"),
                )
            )
        chars = pl.lit(column.width, dtype=pl.Int64) - extra
        padded.append(
            text.str.pad_end(chars, column.pad)
            if column.align == "left"
            else text.str.pad_start(chars, column.pad)
        )
    _refuse_where(cells, checks)
    return cells.select(pl.concat_str(padded).alias("record"))["record"]


def _fixed_record(
    layout: Layout, columns: tuple[Column, ...], values: Mapping[str, str], where: str
) -> str | None:
    if not columns:
        return None
    out = []
    for column in columns:
        assert column.width is not None  # noqa: S101
        text = _record_text(column, values)
        size = len(text.encode(layout.encoding))
        if size > column.width:
            raise BankFileRefused(
                [
                    LineProblem(
                        None,
                        f"{where}.{column.name}",
                        _("“%(value)s” does not fit the layout's %(width)s bytes")
                        % {"value": text, "width": column.width},
                    )
                ]
            )
        chars = column.width - (size - len(text))
        out.append(
            text.ljust(chars, column.pad)
            if column.align == "left"
            else text.rjust(chars, column.pad)
        )
    return "".join(out)


_NEEDS_QUOTES = re.compile(r'["\r\n]')


def _csv_quote(text: str, delimiter: str) -> str:
    if delimiter in text or _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_quoted(expr: pl.Expr, delimiter: str) -> pl.Expr:
    needs = expr.str.contains(f'[{re.escape(delimiter)}"\\r\\n]')
    return (
        pl.when(needs)
        .then(
            pl.concat_str([pl.lit('"'), expr.str.replace_all('"', '""', literal=True), pl.lit('"')])
        )
        .otherwise(expr)
    )


def _csv_record(
    columns: tuple[Column, ...], values: Mapping[str, str], delimiter: str
) -> str | None:
    if not columns:
        return None
    return delimiter.join(_csv_quote(_record_text(column, values), delimiter) for column in columns)


def _refuse_unencodable(layout: Layout, frame: pl.DataFrame) -> None:
    """Name every line with a character the layout's encoding cannot write."""
    sources = sorted({column.source for column in layout.columns if column.source in TEXT_SOURCES})
    found = []
    for source in sources:
        series = frame[source]
        distinct = series.filter(~series.str.contains(r"^[\x00-\x7F]*$")).unique().to_list()
        bad = []
        for value in distinct:
            try:
                value.encode(layout.encoding)
            except UnicodeEncodeError as error:
                bad.append((value, value[error.start : error.end]))
        if bad:
            messages = pl.DataFrame(
                {
                    source: [value for value, _char in bad],
                    "message": [
                        _(
                            "“%(value)s” has “%(char)s”, which %(encoding)s cannot write; "
                            "record the name with a character the bank accepts"
                        )
                        % {"value": value, "char": char, "encoding": layout.encoding.upper()}
                        for value, char in bad
                    ],
                }
            )
            found.append(
                frame.select("line_id", source)
                .join(messages, on=source)
                .select("line_id", pl.lit(source).alias("column"), "message")
            )
    if found:
        _refuse(pl.concat(found))


# --- XLSX -----------------------------------------------------------------------------------
#
# The workbook is written directly, not through openpyxl: one sheet of inline strings and
# numbers built with Polars like the text files (openpyxl takes minutes for a million rows), in a
# zip whose entries, dates and properties are always the same. openpyxl reads it back in the tests.

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CONTENT_TYPES = (
    _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    "</Types>"
)
_PACKAGE_RELS = (
    _XML + f'<Relationships xmlns="{_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{_RELS}/metadata/core-properties" Target="docProps/core.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    _XML + f'<Relationships xmlns="{_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_DOC_RELS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# Style 1 shows yuan with two decimals (built-in number format 2, "0.00").
_STYLES = (
    _XML + f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_CONTROL_CHARACTERS = r"[\x00-\x08\x0B\x0C\x0E-\x1F]"


def _xlsx(
    layout: Layout, frame: pl.DataFrame, values: Mapping[str, str], cycle: CycleInfo
) -> bytes:
    rows = frame.height + bool(layout.header) + bool(layout.trailer) + layout.column_titles
    if rows > XLSX_MAX_ROWS:
        raise BankFileRefused(
            [
                LineProblem(
                    None,
                    "format",
                    _("an Excel sheet holds at most %(max)s rows; this file needs %(rows)s")
                    % {"max": XLSX_MAX_ROWS, "rows": rows},
                )
            ]
        )
    texts = [column for column in layout.columns if column.source in TEXT_SOURCES]
    _refuse_where(
        frame,
        [
            (
                pl.col(column.source or "").str.contains(_CONTROL_CHARACTERS),
                column.source or column.name,
                _("the value contains a control character"),
            )
            for column in texts
        ],
    )
    parts = []
    if layout.header:
        parts.append(_xlsx_record(layout.header, values))
    if layout.column_titles:
        parts.append(
            "<row>"
            + "".join(_xlsx_text(column.title or column.name) for column in layout.columns)
            + "</row>"
        )
    if frame.height:
        body = frame.select(
            pl.concat_str(
                [
                    pl.lit("<row>"),
                    *[_xlsx_cell(column) for column in layout.columns],
                    pl.lit("</row>"),
                ]
            ).alias("row")
        )["row"]
        parts.append(body.str.join("").item())
    if layout.trailer:
        parts.append(_xlsx_record(layout.trailer, values))
    # Kept in parts: a million rows are half a gigabyte of XML, not worth copying again.
    sheet = [_XML + f'<worksheet xmlns="{_MAIN}"><sheetData>', *parts, "</sheetData></worksheet>"]
    stamp = parse_period(cycle.month).start.strftime("%Y-%m-%dT00:00:00Z")
    core = (
        _XML
        + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>Huimin</dc:creator>'
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )
    workbook = (
        _XML + f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}"><sheets>'
        f'<sheet name="{_escape(layout.sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    return _zip(
        [
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _PACKAGE_RELS),
            ("docProps/core.xml", core),
            ("xl/workbook.xml", workbook),
            ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
            ("xl/styles.xml", _STYLES),
            ("xl/worksheets/sheet1.xml", sheet),
        ]
    )


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _escaped(expr: pl.Expr) -> pl.Expr:
    return (
        expr.str.replace_all("&", "&amp;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
    )


def _xlsx_text(text: str) -> str:
    return f'<c t="inlineStr"><is><t xml:space="preserve">{_escape(text)}</t></is></c>'


def _xlsx_number(text: str, *, yuan: bool) -> str:
    return f'<c s="1"><v>{text}</v></c>' if yuan else f"<c><v>{text}</v></c>"


def _xlsx_cell(column: Column) -> pl.Expr:
    # Amounts are numbers a spreadsheet can sum; account numbers, ids and names stay text, so
    # Excel neither rounds a 19-digit account nor drops a leading zero.
    if column.source == "amount_fen":
        style = '<c s="1"><v>' if column.amount == "yuan" else "<c><v>"
        return pl.concat_str([pl.lit(style), _cell(column), pl.lit("</v></c>")])
    return pl.concat_str(
        [
            pl.lit('<c t="inlineStr"><is><t xml:space="preserve">'),
            _escaped(_cell(column)),
            pl.lit("</t></is></c>"),
        ]
    )


def _xlsx_record(columns: tuple[Column, ...], values: Mapping[str, str]) -> str:
    cells = []
    for column in columns:
        text = _record_text(column, values)
        if column.amount is not None or column.source in ("count", "sequence"):
            cells.append(_xlsx_number(text, yuan=column.amount == "yuan"))
        else:
            cells.append(_xlsx_text(text))
    return "<row>" + "".join(cells) + "</row>"


def _zip(entries: list[tuple[str, str | list[str]]]) -> bytes:
    """A zip of these entries with nothing of the moment it was written: fixed dates and modes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            with archive.open(info, "w", force_zip64=True) as entry:
                for part in [text] if isinstance(text, str) else text:
                    entry.write(part.encode("utf-8"))
    return out.getvalue()
