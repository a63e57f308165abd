"""The bank's return file (回盘文件): read it whole, refuse it whole, then classify every line.

    reading = return_file_read(layout, content, expected=ExpectedCycle(cycle), file_name=...)
    result = return_classify(reading, expected_lines, already_paid)

`return_file_read` understands the whole file before anything is applied: it checks that the file
is for this cycle (by its header record or its file name, as the layout says), that its control
count and total agree with its lines, and that every row is well formed. Any problem refuses the
file with ReturnFileRefused, which lists every problem, each naming the row and the column.

`return_classify` puts every row of the file in exactly one class, and every expected line that
the file does not mention (and that was not paid before) in the class "missing":

    paid             the bank credited the expected amount
    rejected         the bank refused the line; the reason code is mapped to words (REASON_KINDS)
    amount_mismatch  the bank reports a payment of another amount than the line's
    duplicate        the line id is in the file again, or a line confirmed paid before is paid again
    unknown          the line id is not a line of this cycle
    missing          a line of the cycle the file does not mention
    late_return      a rejection or reversal of a line that was already confirmed paid

Both are set-based (Polars): a million-line file is read and classified in seconds.
"""

import csv
import io
import re
import string
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

import polars as pl
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huimin.core.errors import HuiminError
from huimin.payments.banking.export import BankLine, CycleInfo, bank_lines_frame
from huimin.payments.banking.layouts import REASON_KINDS, Column, Layout, ReturnLayout

PROBLEMS_SHOWN = 20
PROBLEMS_KEPT = 1000

RETURN_CLASSES: Mapping[str, Promise] = {
    "paid": gettext_lazy("Paid"),
    "rejected": gettext_lazy("Rejected by the bank"),
    "amount_mismatch": gettext_lazy("Paid amount differs from the line"),
    "duplicate": gettext_lazy("Duplicate line"),
    "unknown": gettext_lazy("Not a line of this cycle"),
    "missing": gettext_lazy("Not in the return file"),
    "late_return": gettext_lazy("Returned or reversed after it was confirmed paid"),
}

ROW_SCHEMA = {
    "row": pl.Int64,
    "line_id": pl.Int64,
    "account_number": pl.String,
    "payee_name": pl.String,
    "amount_fen": pl.Int64,
    "outcome": pl.String,  # paid, rejected or reversed: what the bank's status code means
    "status_code": pl.String,
    "reason_code": pl.String,
    "reason_kind": pl.String,
}


@dataclass(frozen=True)
class ExpectedCycle:
    """The cycle a return file must answer (the same CycleInfo its bank file was written for)."""

    cycle: CycleInfo


@dataclass(frozen=True)
class RowProblem:
    row: int | None  # the file's row (line) number, counting from 1; None for the whole file
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return _("row %(row)s, %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class ReturnFileRefused(HuiminError):
    """Nothing of the file was applied; `problems` lists what is wrong (up to 1000)."""

    def __init__(self, problems: list[RowProblem], *, total: int | None = None) -> None:
        total = len(problems) if total is None else total
        shown = "; ".join(str(problem) for problem in problems[:PROBLEMS_SHOWN])
        if total > PROBLEMS_SHOWN:
            shown += " " + _("(and %(more)s more)") % {"more": total - PROBLEMS_SHOWN}
        super().__init__(
            _("The return file was not read; nothing was applied: %(problems)s")
            % {"problems": shown}
        )
        self.problems = problems[:PROBLEMS_KEPT]
        self.total = total


@dataclass(frozen=True)
class ReturnReading:
    """A return file understood in full: one row of `rows` (ROW_SCHEMA) per line of the file."""

    rows: pl.DataFrame
    count: int
    total_fen: int
    file_name: str | None = None


@dataclass(frozen=True)
class Classification:
    """Every row of the file and every missing line, each in exactly one class."""

    lines: pl.DataFrame  # ROW_SCHEMA + expected_amount_fen + class; missing lines have row null
    counts: Mapping[str, int] = field(default_factory=dict)
    totals_fen: Mapping[str, int] = field(default_factory=dict)

    def of(self, kind: str) -> pl.DataFrame:
        if kind not in RETURN_CLASSES:
            raise KeyError(kind)
        return self.lines.filter(pl.col("class") == kind)


# --- reading --------------------------------------------------------------------------------


def return_file_read(
    layout: Layout,
    content: bytes,
    *,
    expected: ExpectedCycle,
    file_name: str | None = None,
) -> ReturnReading:
    """The return file understood in full, or ReturnFileRefused listing every problem."""
    returns = layout.returns
    if returns is None:
        raise ReturnFileRefused(
            [RowProblem(None, "layout", _("This layout describes no return file."))]
        )
    problems: list[RowProblem] = []
    values = expected.cycle.record_values()
    if returns.cycle_check == "file_name":
        problems += _file_name_problems(returns, file_name, values)
    if returns.format == "xlsx":
        records = _xlsx_records(content)
        if records is None:
            raise ReturnFileRefused(
                [RowProblem(None, "file", _("The file could not be opened as an Excel workbook."))]
            )
        header_row, titles_row, body, trailer_row, first = _split_records(returns, records)
        cells, cell_problems = _cells_from_table(returns, body, first)
        header = _record_from_table(returns.header, header_row)
        trailer = _record_from_table(returns.trailer, trailer_row)
    else:
        text = _decoded(returns, content)
        lines = _lines(text)
        header_line, _titles, body_lines, trailer_line, first = _split_records(returns, lines)
        if returns.format == "fixed":
            cells, cell_problems = _cells_fixed(returns, body_lines, first)
            header = _record_fixed(returns, returns.header, header_line)
            trailer = _record_fixed(returns, returns.trailer, trailer_line)
        else:
            cells, cell_problems = _cells_csv(returns, body_lines, first)
            header = _record_csv(returns, returns.header, header_line)
            trailer = _record_csv(returns, returns.trailer, trailer_line)
    problems += cell_problems
    rows = None
    typed_problems: list[RowProblem] = []
    if cells is not None:
        rows, typed_problems = _typed(returns, cells)
        problems += typed_problems
    problems += _record_problems(returns.header, header, values, "header")
    problems += _record_problems(returns.trailer, trailer, values, "trailer")
    count = total = 0
    if rows is not None and not typed_problems and not cell_problems:
        # The control totals are worth comparing only with amounts that were all read.
        count = rows.height
        total = int(rows["amount_fen"].sum() or 0)
        for name, columns, record in (
            ("header", returns.header, header),
            ("trailer", returns.trailer, trailer),
        ):
            problems += _control_problems(name, columns, record, count, total)
    if problems:
        rows_known = sorted(
            (problem for problem in problems),
            key=lambda problem: (problem.row is not None, problem.row or 0),
        )
        raise ReturnFileRefused(rows_known[:PROBLEMS_KEPT], total=len(rows_known))
    assert rows is not None  # noqa: S101 (no problems means the rows were read)
    return ReturnReading(rows=rows, count=count, total_fen=total, file_name=file_name)


def _file_name_problems(
    returns: ReturnLayout, file_name: str | None, values: Mapping[str, str]
) -> list[RowProblem]:
    pattern = returns.file_name or ""
    expected_name = pattern.format(
        bank=values["bank"],
        region=values["region"],
        month=values["month"],
        sequence=int(values["sequence"]),
    )
    if file_name is None:
        return [
            RowProblem(
                None,
                "file_name",
                _("This layout checks the cycle by the file's name; give the name of the file."),
            )
        ]
    if file_name == expected_name:
        return []
    found = _file_name_fields(pattern, file_name)
    if found is None:
        return [
            RowProblem(
                None,
                "file_name",
                _(
                    "The file name “%(name)s” is not in the bank's pattern; this cycle's return is “%(expected)s”."
                )
                % {"name": file_name, "expected": expected_name},
            )
        ]
    return [
        RowProblem(
            None,
            "file_name",
            _(
                "The file “%(name)s” is the return of another cycle (%(found)s); this cycle's return is “%(expected)s”."
            )
            % {
                "name": file_name,
                "found": ", ".join(f"{key} {value}" for key, value in sorted(found.items())),
                "expected": expected_name,
            },
        )
    ]


def _file_name_fields(pattern: str, name: str) -> dict[str, str] | None:
    regex = ""
    for text, field_name, _spec, _conversion in string.Formatter().parse(pattern):
        regex += re.escape(text)
        if field_name:
            regex += f"(?P<{field_name}>[^_.]+)"
    match = re.fullmatch(regex, name)
    return match.groupdict() if match else None


def _decoded(returns: ReturnLayout, content: bytes) -> str:
    if returns.encoding == "utf-8" and content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        return content.decode(returns.encoding)
    except UnicodeDecodeError as error:
        row = content[: error.start].count(b"\n") + 1
        raise ReturnFileRefused(
            [
                RowProblem(
                    row,
                    "file",
                    _(
                        "this row is not %(encoding)s text; the layout says the bank writes %(encoding)s"
                    )
                    % {"encoding": returns.encoding.upper()},
                )
            ]
        ) from error


def _lines(text: str) -> pl.Series:
    lines = pl.Series("line", [text]).str.split("\n").explode().str.strip_suffix("\r")
    # A file ends with a line ending; blank lines at its end are not lines.
    keep = lines.len()
    while keep and lines[keep - 1] == "":
        keep -= 1
    return lines.head(keep)


def _split_records(returns: ReturnLayout, records):  # type: ignore[no-untyped-def]
    """Header, column titles, body, trailer, and the row number of the body's first row."""
    start = 0
    header = titles = trailer = None
    if returns.header and len(records) > start:
        header = records[start]
        start += 1
    if returns.column_titles and len(records) > start:
        titles = records[start]
        start += 1
    end = len(records)
    if returns.trailer and end > start:
        trailer = records[end - 1]
        end -= 1
    return header, titles, records[start:end], trailer, start + 1


def _cells_fixed(
    returns: ReturnLayout, lines: pl.Series, first: int
) -> tuple[pl.DataFrame | None, list[RowProblem]]:
    width = sum(column.width or 0 for column in returns.columns)
    frame = pl.DataFrame({"line": lines}).with_columns(
        pl.int_range(first, first + pl.len(), dtype=pl.Int64).alias("row")
    )
    ascii_only = frame["line"].str.contains(r"^[\x00-\x7F]*$")
    if not ascii_only.all():
        # Byte offsets differ from character offsets where a row has Chinese text: cut those rows
        # as bytes of the file's encoding, the rest with Polars.
        wide = frame.filter(~ascii_only)
        cut = [
            _cut_bytes(line.encode(returns.encoding), returns.columns, returns.encoding)
            for line in wide["line"].to_list()
        ]
        narrow = _cut_chars(frame.filter(ascii_only), returns.columns)
        wide_frame = pl.DataFrame(
            {
                "row": wide["row"],
                "size": [size for size, _cells in cut],
                **{
                    f"c_{index}": [cells[index] for _size, cells in cut]
                    for index in range(len(returns.columns))
                },
            },
            schema={"row": pl.Int64, "size": pl.Int64}
            | {f"c_{index}": pl.String for index in range(len(returns.columns))},
        )
        cells = pl.concat([narrow, wide_frame]).sort("row")
    else:
        cells = _cut_chars(frame, returns.columns)
    bad = cells.filter(pl.col("size") != width)
    problems = [
        RowProblem(
            row,
            "record",
            _("the row is %(size)s bytes long; the layout's lines are %(width)s")
            % {"size": size, "width": width},
        )
        for row, size in bad.select("row", "size").head(PROBLEMS_KEPT).iter_rows()
    ]
    return cells.drop("size"), problems


def _cut_chars(frame: pl.DataFrame, columns: Iterable[Column]) -> pl.DataFrame:
    expressions = [pl.col("row"), pl.col("line").str.len_bytes().cast(pl.Int64).alias("size")]
    offset = 0
    for index, column in enumerate(columns):
        width = column.width or 0
        expressions.append(pl.col("line").str.slice(offset, width).alias(f"c_{index}"))
        offset += width
    return frame.select(expressions)


def _cut_bytes(line: bytes, columns: Iterable[Column], encoding: str) -> tuple[int, list[str]]:
    cells = []
    offset = 0
    for column in columns:
        width = column.width or 0
        cells.append(line[offset : offset + width].decode(encoding, errors="replace"))
        offset += width
    return len(line), cells


def _cells_csv(
    returns: ReturnLayout, lines: pl.Series, first: int
) -> tuple[pl.DataFrame | None, list[RowProblem]]:
    names = [f"c_{index}" for index in range(len(returns.columns))]
    delimiter = returns.delimiter
    # Count each row's fields first, to name a row with too many or too few: by counting
    # delimiters where a row has no quotes, with the csv module where it has.
    frame = pl.DataFrame({"line": lines}).with_columns(
        pl.int_range(first, first + pl.len(), dtype=pl.Int64).alias("row"),
        (pl.col("line").str.count_matches(delimiter, literal=True) + 1)
        .cast(pl.Int64)
        .alias("fields"),
        pl.col("line").str.contains('"', literal=True).alias("quoted"),
    )
    quoted = frame.filter(pl.col("quoted"))
    if quoted.height:
        counted = [
            len(next(csv.reader([line], delimiter=delimiter), [])) for line in quoted["line"]
        ]
        frame = frame.update(
            quoted.select("row", pl.Series("fields", counted, dtype=pl.Int64)), on="row"
        )
    bad = frame.filter(pl.col("fields") != len(names))
    problems = [
        RowProblem(
            row,
            "record",
            _("the row has %(found)s fields; the layout has %(expected)s")
            % {"found": found, "expected": len(names)},
        )
        for row, found in bad.select("row", "fields").head(PROBLEMS_KEPT).iter_rows()
    ]
    if problems:
        return None, problems
    schema = {name: pl.String for name in names}
    if not frame.height:
        return pl.DataFrame(schema=schema | {"row": pl.Int64}), []
    cells = pl.read_csv(
        io.BytesIO(lines.str.join("\n").item().encode("utf-8")),
        has_header=False,
        separator=delimiter,
        quote_char='"',
        schema=schema,
    )
    if cells.height != frame.height:
        # A quoted field with a line break in it: a bank's return line never has one.
        return None, [
            RowProblem(None, "file", _("The file is not CSV the way the layout describes it."))
        ]
    return cells.with_columns(frame["row"]), []


def _xlsx_records(content: bytes) -> list[list[object]] | None:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 (openpyxl raises many kinds for a file that is no workbook)
        return None
    records = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    workbook.close()
    return records


def _xlsx_text(column: Column, value: object) -> str:
    """A cell as the text a CSV file would have: yuan with two decimals, fen and codes whole."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        if column.amount == "yuan":
            cents = round(value * 100)
            return (
                f"{cents // 100}.{cents % 100:02d}"
                if abs(value * 100 - cents) < 1e-6
                else str(value)
            )
        if float(value).is_integer():
            return str(int(value))
    return str(value)


def _cells_from_table(
    returns: ReturnLayout, rows: list[list[object]], first: int
) -> tuple[pl.DataFrame | None, list[RowProblem]]:
    data = {
        f"c_{index}": [_xlsx_text(column, row[index]) if index < len(row) else None for row in rows]
        for index, column in enumerate(returns.columns)
    }
    problems = [
        RowProblem(
            number,
            "record",
            _("the row has %(found)s fields; the layout has %(expected)s")
            % {"found": len(row), "expected": len(returns.columns)},
        )
        for number, row in enumerate(rows, start=first)
        if any(value not in (None, "") for value in row[len(returns.columns) :])
    ]
    frame = pl.DataFrame(data, schema={name: pl.String for name in data}).with_columns(
        pl.int_range(first, first + pl.len(), dtype=pl.Int64).alias("row")
    )
    return frame, problems[:PROBLEMS_KEPT]


def _record_fixed(
    returns: ReturnLayout, columns: tuple[Column, ...], line: str | None
) -> dict[str, str] | None:
    if not columns or line is None:
        return None
    _size, cells = _cut_bytes(
        line.encode(returns.encoding, errors="replace"), columns, returns.encoding
    )
    return {column.name: cell for column, cell in zip(columns, cells, strict=True)}


def _record_csv(
    returns: ReturnLayout, columns: tuple[Column, ...], line: str | None
) -> dict[str, str] | None:
    if not columns or line is None:
        return None
    fields = next(csv.reader([line], delimiter=returns.delimiter), [])
    return {
        column.name: fields[index] if index < len(fields) else ""
        for index, column in enumerate(columns)
    }


def _record_from_table(
    columns: tuple[Column, ...], row: list[object] | None
) -> dict[str, str] | None:
    if not columns or row is None:
        return None
    return {
        column.name: _xlsx_text(column, row[index]) if index < len(row) else ""
        for index, column in enumerate(columns)
    }


def _strip(column: Column, text: str) -> str:
    text = text.strip()
    if column.align == "right" and column.pad != " ":
        text = text.lstrip(column.pad) or ("0" if column.pad == "0" else "")
    return text


def _record_problems(
    columns: tuple[Column, ...],
    record: dict[str, str] | None,
    values: Mapping[str, str],
    where: str,
) -> list[RowProblem]:
    if not columns:
        return []
    name = _("header") if where == "header" else _("trailer")
    if record is None:
        return [RowProblem(None, where, _("The file has no %(record)s record.") % {"record": name})]
    problems = []
    for column in columns:
        found = _strip(column, record[column.name])
        if column.value is not None and found != column.value:
            problems.append(
                RowProblem(
                    None,
                    f"{where}.{column.name}",
                    _(
                        "The %(record)s record does not start the way the layout says (“%(found)s”, not “%(value)s”)."
                    )
                    % {"record": name, "found": found, "value": column.value},
                )
            )
        elif column.source in ("bank", "region", "month", "sequence"):
            want = values[column.source]
            same = (
                found == want
                if column.source != "sequence"
                else found.isdigit() and int(found) == int(want)
            )
            if not same:
                problems.append(
                    RowProblem(
                        None,
                        f"{where}.{column.name}",
                        _(
                            "This return file is for another cycle: its %(record)s says %(field)s “%(found)s”, this cycle's is “%(want)s”."
                        )
                        % {"record": name, "field": column.name, "found": found, "want": want},
                    )
                )
    return problems


def _control_problems(
    where: str, columns: tuple[Column, ...], record: dict[str, str] | None, count: int, total: int
) -> list[RowProblem]:
    if record is None:
        return []
    problems = []
    for column in columns:
        found = _strip(column, record[column.name])
        if column.source == "count":
            if not found.isdigit() or int(found) != count:
                problems.append(
                    RowProblem(
                        None,
                        f"{where}.{column.name}",
                        _("The control count says %(found)s lines; the file has %(count)s.")
                        % {"found": found, "count": count},
                    )
                )
        elif column.source == "total":
            stated = _amount_text(found, column.amount)
            if stated != total:
                problems.append(
                    RowProblem(
                        None,
                        f"{where}.{column.name}",
                        _(
                            "The control total says %(found)s; the lines add up to %(yuan)s yuan (%(total)s fen)."
                        )
                        % {
                            "found": found,
                            "yuan": f"{total // 100}.{total % 100:02d}",
                            "total": total,
                        },
                    )
                )
    return problems


def _amount_text(text: str, unit: str | None) -> int | None:
    if unit == "yuan":
        match = re.fullmatch(r"(\d+)\.(\d{2})", text)
        return int(match.group(1)) * 100 + int(match.group(2)) if match else None
    return int(text) if text.isdigit() else None


def _typed(returns: ReturnLayout, cells: pl.DataFrame) -> tuple[pl.DataFrame, list[RowProblem]]:
    """The cells as typed values (ROW_SCHEMA), and a problem for every cell that is not right."""
    by_source: dict[str, pl.Expr] = {}
    checks: list[tuple[pl.Expr, str, pl.Expr]] = []
    for index, column in enumerate(returns.columns):
        raw = pl.col(f"c_{index}").fill_null("").str.strip_chars()
        shown = raw  # a message quotes the cell as the file has it
        if column.align == "right" and column.pad not in (" ", ""):
            raw = raw.str.strip_chars_start(column.pad)
            if column.pad == "0":
                raw = (
                    pl.when((raw == "") & (pl.col(f"c_{index}").str.contains("0")))
                    .then(pl.lit("0"))
                    .otherwise(raw)
                )
        if column.value is not None:
            checks.append(
                (
                    raw != column.value,
                    column.name,
                    _message(
                        _("“%(value)s” is not “%(expected)s”").replace(
                            "%(expected)s", column.value
                        ),
                        shown,
                    ),
                )
            )
            continue
        if column.source is None or column.source == "ignore":
            continue
        by_source[column.source] = raw.alias(column.source)
        if column.source == "line_id":
            checks.append(
                (
                    ~raw.str.contains(r"^\d{1,18}$"),
                    column.name,
                    _message(_("“%(value)s” is not a line id"), shown),
                )
            )
        elif column.source == "amount_fen":
            pattern = r"^\d{1,15}\.\d{2}$" if column.amount == "yuan" else r"^\d{1,17}$"
            message = (
                _("“%(value)s” is not an amount in yuan with two decimals")
                if column.amount == "yuan"
                else _("“%(value)s” is not an amount in fen")
            )
            checks.append((~raw.str.contains(pattern), column.name, _message(message, shown)))
        elif column.source == "status":
            known = sorted(returns.paid | returns.rejected | returns.reversed)
            checks.append(
                (
                    ~raw.is_in(known),
                    column.name,
                    _message(
                        _("“%(value)s” is not a status code of the layout (%(codes)s)").replace(
                            "%(codes)s", ", ".join(known)
                        ),
                        shown,
                    ),
                )
            )
    reason = returns.column("reason")
    if reason is not None:
        # A rejection or reversal must say why, in a code the layout maps to words.
        refused = by_source["status"].is_in(sorted(returns.rejected | returns.reversed))
        checks.append(
            (
                refused & ~by_source["reason"].is_in(sorted(returns.reasons)),
                reason.name,
                _message(_("“%(value)s” is not a reason code of the layout"), by_source["reason"]),
            )
        )
    frame = cells.select(
        [
            pl.col("row"),
            *by_source.values(),
            *[
                pl.when(condition).then(message).otherwise(None).alias(f"p_{position}")
                for position, (condition, _name, message) in enumerate(checks)
            ],
        ]
    )
    status = pl.col("status")
    outcome = (
        pl.when(status.is_in(sorted(returns.paid)))
        .then(pl.lit("paid"))
        .when(status.is_in(sorted(returns.rejected)))
        .then(pl.lit("rejected"))
        .when(status.is_in(sorted(returns.reversed)))
        .then(pl.lit("reversed"))
    )
    frame = frame.with_columns(outcome.alias("outcome"))
    if reason is not None:
        kinds = pl.col("reason").replace_strict(
            dict(returns.reasons), default=None, return_dtype=pl.String
        )
        frame = frame.with_columns(kinds.alias("reason_kind"))
    problems = _problems_found(frame, [name for _condition, name, _message_expr in checks])
    if problems:
        return frame, problems
    amount_column = returns.column("amount_fen")
    amount = pl.col("amount_fen")
    if amount_column is not None and amount_column.amount == "yuan":
        amount = amount.str.replace(".", "", literal=True)
    rows = frame.select(
        pl.col("row"),
        pl.col("line_id").cast(pl.Int64),
        (pl.col("account_number") if "account_number" in frame.columns else pl.lit(None))
        .cast(pl.String)
        .alias("account_number"),
        (pl.col("payee_name") if "payee_name" in frame.columns else pl.lit(None))
        .cast(pl.String)
        .alias("payee_name"),
        amount.cast(pl.Int64).alias("amount_fen"),
        pl.col("outcome"),
        pl.col("status").alias("status_code"),
        (
            pl.when(pl.col("outcome") != "paid").then(pl.col("reason"))
            if "reason" in frame.columns
            else pl.lit(None)
        )
        .cast(pl.String)
        .alias("reason_code"),
        (
            pl.when(pl.col("outcome") != "paid").then(pl.col("reason_kind"))
            if "reason_kind" in frame.columns
            else pl.lit(None)
        )
        .cast(pl.String)
        .alias("reason_kind"),
    )
    return rows, []


def _message(template: str, value: pl.Expr) -> pl.Expr:
    before, _sep, after = template.partition("%(value)s")
    return pl.concat_str([pl.lit(before), value, pl.lit(after)])


def _problems_found(frame: pl.DataFrame, names: list[str]) -> list[RowProblem]:
    columns = [f"p_{position}" for position in range(len(names))]
    found = (
        frame.select(
            pl.col("row"),
            pl.concat_list(
                [
                    pl.struct(pl.lit(name).alias("column"), pl.col(column).alias("message"))
                    for name, column in zip(names, columns, strict=True)
                ]
            ).alias("problem"),
        )
        .explode("problem")
        .unnest("problem")
        .filter(pl.col("message").is_not_null())
    )
    return [
        RowProblem(row, column, message)
        for row, column, message in found.sort("row", maintain_order=True)
        .head(PROBLEMS_KEPT)
        .iter_rows()
    ]


# --- classifying ----------------------------------------------------------------------------


def return_classify(
    reading: ReturnReading,
    expected_lines: pl.DataFrame | Iterable[BankLine],
    already_paid: Collection[int] = frozenset(),
) -> Classification:
    """Every row of the file and every missing line of the cycle, each in exactly one class.

    `expected_lines` are the cycle's lines (BankLine values or a frame with line_id and
    amount_fen); `already_paid` the ids of lines a earlier return confirmed paid.
    """
    expected = (
        expected_lines
        if isinstance(expected_lines, pl.DataFrame)
        else bank_lines_frame(expected_lines)
    ).select(
        pl.col("line_id").cast(pl.Int64),
        pl.col("amount_fen").cast(pl.Int64).alias("expected_amount_fen"),
    )
    paid_before = pl.Series("line_id", sorted(already_paid), dtype=pl.Int64)
    rows = (
        reading.rows.with_columns(pl.int_range(pl.len()).over("line_id").alias("occurrence"))
        .join(expected, on="line_id", how="left", maintain_order="left")
        .with_columns(pl.col("line_id").is_in(paid_before.implode()).alias("paid_before"))
    )
    kind = (
        pl.when(pl.col("occurrence") > 0)
        .then(pl.lit("duplicate"))
        .when(pl.col("expected_amount_fen").is_null())
        .then(pl.lit("unknown"))
        .when(pl.col("paid_before") & (pl.col("outcome") == "paid"))
        .then(pl.lit("duplicate"))
        .when(pl.col("paid_before"))
        .then(pl.lit("late_return"))
        .when(
            (pl.col("outcome") == "paid") & (pl.col("amount_fen") != pl.col("expected_amount_fen"))
        )
        .then(pl.lit("amount_mismatch"))
        .when(pl.col("outcome") == "paid")
        .then(pl.lit("paid"))
        .otherwise(pl.lit("rejected"))
    )
    rows = rows.with_columns(kind.alias("class")).drop("occurrence", "paid_before")
    missing = (
        expected.join(reading.rows.select("line_id").unique(), on="line_id", how="anti")
        .filter(~pl.col("line_id").is_in(paid_before.implode()))
        .sort("line_id")
        .with_columns(pl.lit("missing").alias("class"))
    )
    lines = pl.concat([rows, missing], how="diagonal_relaxed")
    summary = lines.group_by("class").agg(
        pl.len().alias("count"),
        pl.coalesce("amount_fen", "expected_amount_fen").sum().alias("total"),
    )
    counts = dict.fromkeys(RETURN_CLASSES, 0)
    totals = dict.fromkeys(RETURN_CLASSES, 0)
    for kind_name, count, total in summary.iter_rows():
        counts[kind_name] = int(count)
        totals[kind_name] = int(total or 0)
    return Classification(lines=lines, counts=counts, totals_fen=totals)


def reason_words(kind: str | None) -> str:
    """What a reason kind means, in the current language."""
    return str(REASON_KINDS.get(kind or "other", REASON_KINDS["other"]))
