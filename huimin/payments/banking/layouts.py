"""Bank file layouts: what a bank's payment file and return file look like, described in YAML.

A layout file (`layouts/<key>.yaml`) says the format (csv, fixed or xlsx), the encoding (utf-8,
gbk, gb18030), the delimiter and line ending, the columns of a payment line (the field each comes
from; for fixed-width text its width in bytes of the encoding, alignment and padding; amounts in
fen or in yuan with two decimals), the header and trailer records (control count and total), the
file name pattern, and whether the lines of one account are kept together (一卡通). The `returns`
part describes the bank's return file the same way, with its status and reason codes.

Everything is checked when the file is loaded; every problem is reported at once, each naming the
file, the line and the key, so that whoever edits a layout knows exactly what to fix.
The README of the payments app describes every key.
"""

import string
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huimin.core.errors import HuiminError

LAYOUTS_DIR = Path(__file__).resolve().parent / "layouts"

FORMATS = ("csv", "fixed", "xlsx")
ENCODINGS = ("utf-8", "gbk", "gb18030")
LINE_ENDINGS = {"crlf": "\r\n", "lf": "\n"}
ALIGNMENTS = ("left", "right")
AMOUNT_UNITS = ("fen", "yuan")

# Where a column of a payment line takes its value: a field of BankLine, or `seq`, the line's
# number in the file (1, 2, …) after sorting.
LINE_SOURCES = (
    "line_id",
    "payee_name",
    "account_number",
    "bank_code",
    "amount_fen",
    "program",
    "household_number",
    "id_number",
    "village_code",
    "collector_name",
    "seq",
)
TEXT_SOURCES = frozenset(
    {"payee_name", "account_number", "bank_code", "program", "household_number", "id_number"}
    | {"village_code", "collector_name"}
)
# Header and trailer records take the cycle's facts and the control totals.
RECORD_SOURCES = ("bank", "region", "month", "sequence", "count", "total", "pay_date")
# A return line: the line it answers, what the bank did with it, and why.
RETURN_SOURCES = (
    "line_id",
    "account_number",
    "payee_name",
    "amount_fen",
    "status",
    "reason",
    "ignore",
)
AMOUNT_SOURCES = frozenset({"amount_fen", "total"})
FILE_NAME_FIELDS = ("bank", "region", "month", "sequence")
CYCLE_CHECKS = ("header", "file_name")


# What a bank's reason code means, in words a clerk reads (both languages through the catalogue).
REASON_KINDS: Mapping[str, Promise] = {
    "closed_account": gettext_lazy("Account closed"),
    "no_such_account": gettext_lazy("No such account"),
    "name_mismatch": gettext_lazy("Account holder's name does not match the payee"),
    "id_mismatch": gettext_lazy("Identity number does not match the account"),
    "frozen_account": gettext_lazy("Account frozen"),
    "dormant_account": gettext_lazy("Account dormant; the holder must reactivate it"),
    "holder_deceased": gettext_lazy("Account holder reported dead"),
    "reversed": gettext_lazy("Credited, then reversed by the bank"),
    "other": gettext_lazy("Other reason given by the bank"),
}


class LayoutError(HuiminError):
    """A layout file that cannot be used; `problems` lists every one found, each naming where."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Column:
    """One field of a record: where its value comes from and how it is written."""

    name: str
    source: str | None = None  # None when `value` is a fixed text
    value: str | None = None
    width: int | None = None  # bytes in the file's encoding; fixed-width files only
    align: Literal["left", "right"] = "left"
    pad: str = " "
    amount: Literal["fen", "yuan"] | None = None
    title: str | None = None  # the column heading of a CSV or XLSX file with column titles


@dataclass(frozen=True)
class ReturnLayout:
    format: str
    encoding: str
    delimiter: str
    line_ending: str
    columns: tuple[Column, ...]
    header: tuple[Column, ...] = ()
    trailer: tuple[Column, ...] = ()
    column_titles: bool = False
    file_name: str | None = None
    cycle_check: str = "header"
    paid: frozenset[str] = frozenset()
    rejected: frozenset[str] = frozenset()
    reversed: frozenset[str] = frozenset()
    reasons: Mapping[str, str] = field(default_factory=dict)

    def column(self, source: str) -> Column | None:
        return next((column for column in self.columns if column.source == source), None)


@dataclass(frozen=True)
class Layout:
    key: str
    name: str
    source: str
    note: str
    format: str
    encoding: str
    delimiter: str
    line_ending: str
    file_name: str
    columns: tuple[Column, ...]
    header: tuple[Column, ...] = ()
    trailer: tuple[Column, ...] = ()
    column_titles: bool = False
    group_by_account: bool = False
    sheet: str = "Sheet1"
    returns: ReturnLayout | None = None
    path: Path | None = None


# --- loading --------------------------------------------------------------------------------


class _Mapping(dict[str, Any]):
    """A YAML mapping that remembers the line of itself and of each key."""

    line: int = 0
    lines: dict[str, int]


class _List(list[Any]):
    line: int = 0


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _Mapping:
    mapping = _Mapping()
    mapping.line = node.start_mark.line + 1
    mapping.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        mapping[str(key)] = loader.construct_object(value_node, deep=True)
        mapping.lines[str(key)] = key_node.start_mark.line + 1
    return mapping


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> _List:
    items = _List(loader.construct_object(child, deep=True) for child in node.value)
    items.line = node.start_mark.line + 1
    return items


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


class _Reader:
    """Reads typed values out of the parsed YAML and collects every problem with its place."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[str] = []
        self.prefix = ""  # where in the file the keys being read are, e.g. "returns.columns[2]."

    def problem(self, line: int, key: str, message: str) -> None:
        self.problems.append(
            _("%(file)s, line %(line)s, key “%(key)s”: %(message)s")
            % {"file": self.path.name, "line": line, "key": self.prefix + key, "message": message}
        )

    @contextmanager
    def within(self, prefix: str) -> Iterator[None]:
        outer = self.prefix
        self.prefix = outer + prefix
        try:
            yield
        finally:
            self.prefix = outer

    def where(self, mapping: _Mapping, key: str) -> int:
        return mapping.lines.get(key, mapping.line)

    def text(
        self, mapping: _Mapping, key: str, *, required: bool = True, default: str | None = None
    ) -> str | None:
        if key not in mapping:
            if required:
                self.problem(mapping.line, key, _("this key is required"))
            return default
        value = mapping[key]
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.problem(self.where(mapping, key), key, _("must be a text"))
            return default
        return str(value)

    def choice(
        self, mapping: _Mapping, key: str, choices: tuple[str, ...], *, default: str | None = None
    ) -> str | None:
        value = self.text(mapping, key, required=default is None, default=default)
        if value is not None and value not in choices:
            self.problem(
                self.where(mapping, key),
                key,
                _("“%(value)s” is not one of: %(choices)s")
                % {"value": value, "choices": ", ".join(choices)},
            )
            return default
        return value

    def flag(self, mapping: _Mapping, key: str) -> bool:
        value = mapping.get(key, False)
        if not isinstance(value, bool):
            self.problem(self.where(mapping, key), key, _("must be true or false"))
            return False
        return value

    def whole(self, mapping: _Mapping, key: str) -> int | None:
        value = mapping.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.problem(self.where(mapping, key), key, _("must be a whole number of 1 or more"))
            return None
        return value

    def codes(self, mapping: _Mapping, key: str) -> frozenset[str]:
        value = mapping.get(key, [])
        if not isinstance(value, list) or not all(
            isinstance(item, str | int) and not isinstance(item, bool) for item in value
        ):
            self.problem(self.where(mapping, key), key, _("must be a list of codes"))
            return frozenset()
        return frozenset(str(item) for item in value)


def layout_load(path: Path) -> Layout:
    """The layout in the YAML file at `path`, or LayoutError listing every problem in it."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 (a safe loader)
    except (OSError, UnicodeDecodeError) as error:
        raise LayoutError(
            [_("%(file)s cannot be read: %(error)s") % {"file": path.name, "error": error}]
        ) from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        raise LayoutError(
            [
                _("%(file)s, line %(line)s: not valid YAML (%(error)s)")
                % {"file": path.name, "line": line, "error": getattr(error, "problem", error)}
            ]
        ) from error
    reader = _Reader(path)
    if not isinstance(data, _Mapping):
        raise LayoutError([_("%(file)s: a layout is a mapping of keys") % {"file": path.name}])
    layout = _layout_read(reader, data, path)
    if reader.problems:
        raise LayoutError(reader.problems)
    assert layout is not None  # noqa: S101 (no problems means every part was read)
    return layout


@cache
def layout_get(key: str) -> Layout:
    """The shipped layout `key` (the file name without .yaml)."""
    path = LAYOUTS_DIR / f"{key}.yaml"
    if not path.is_file():
        raise LayoutError([_("There is no bank file layout “%(key)s”.") % {"key": key}])
    return layout_load(path)


def layouts_available() -> Iterator[Layout]:
    """Every shipped layout, in the order of their keys."""
    for path in sorted(LAYOUTS_DIR.glob("*.yaml")):
        yield layout_get(path.stem)


def _layout_read(reader: _Reader, data: _Mapping, path: Path) -> Layout | None:
    known = {
        "key",
        "name",
        "source",
        "note",
        "format",
        "encoding",
        "delimiter",
        "line_ending",
        "file_name",
        "columns",
        "header",
        "trailer",
        "column_titles",
        "group_by_account",
        "sheet",
        "returns",
    }
    _unknown_keys(reader, data, known)
    key = reader.text(data, "key")
    if key is not None and key != path.stem:
        reader.problem(
            reader.where(data, "key"),
            "key",
            _("must be the file's name without .yaml (“%(stem)s”)") % {"stem": path.stem},
        )
    name = reader.text(data, "name")
    source = reader.text(data, "source")
    note = reader.text(data, "note")
    file_format = reader.choice(data, "format", FORMATS)
    encoding = reader.choice(data, "encoding", ENCODINGS, default="utf-8")
    delimiter = _delimiter(reader, data, file_format)
    line_ending = reader.choice(data, "line_ending", tuple(LINE_ENDINGS), default="crlf")
    file_name = reader.text(data, "file_name")
    if file_name is not None:
        _file_name_check(reader, data, "file_name", file_name)
    if file_format == "xlsx" and file_name is not None and not file_name.endswith(".xlsx"):
        reader.problem(reader.where(data, "file_name"), "file_name", _("must end in .xlsx"))
    columns = _columns(reader, data, "columns", file_format, LINE_SOURCES, required=True)
    header = _columns(reader, data, "header", file_format, RECORD_SOURCES)
    trailer = _columns(reader, data, "trailer", file_format, RECORD_SOURCES)
    returns = None
    if "returns" in data:
        returns = _returns_read(reader, data["returns"], data, file_format, encoding)
    if reader.problems:
        return None
    assert key and name and source and note and file_format and encoding and line_ending  # noqa: S101
    assert file_name is not None and delimiter is not None  # noqa: S101
    return Layout(
        key=key,
        name=name,
        source=source,
        note=note,
        format=file_format,
        encoding=encoding,
        delimiter=delimiter,
        line_ending=LINE_ENDINGS[line_ending],
        file_name=file_name,
        columns=columns,
        header=header,
        trailer=trailer,
        column_titles=reader.flag(data, "column_titles"),
        group_by_account=reader.flag(data, "group_by_account"),
        sheet=reader.text(data, "sheet", required=False, default="Sheet1") or "Sheet1",
        returns=returns,
        path=path,
    )


def _returns_read(
    reader: _Reader, data: Any, parent: _Mapping, parent_format: str | None, encoding: str | None
) -> ReturnLayout | None:
    if not isinstance(data, _Mapping):
        reader.problem(reader.where(parent, "returns"), "returns", _("must be a mapping of keys"))
        return None
    with reader.within("returns."):
        return _returns_read_inner(reader, data, parent_format, encoding)


def _returns_read_inner(
    reader: _Reader, data: _Mapping, parent_format: str | None, encoding: str | None
) -> ReturnLayout | None:
    known = {
        "format",
        "encoding",
        "delimiter",
        "line_ending",
        "file_name",
        "cycle_check",
        "columns",
        "header",
        "trailer",
        "column_titles",
        "status",
        "reasons",
    }
    _unknown_keys(
        reader,
        data,
        known,
    )
    file_format = reader.choice(data, "format", FORMATS, default=parent_format or "csv")
    return_encoding = reader.choice(data, "encoding", ENCODINGS, default=encoding or "utf-8")
    delimiter = _delimiter(reader, data, file_format)
    line_ending = reader.choice(data, "line_ending", tuple(LINE_ENDINGS), default="crlf")
    file_name = reader.text(data, "file_name", required=False)
    if file_name is not None:
        _file_name_check(reader, data, "file_name", file_name)
    cycle_check = reader.choice(data, "cycle_check", CYCLE_CHECKS, default="header")
    columns = _columns(reader, data, "columns", file_format, RETURN_SOURCES, required=True)
    header = _columns(reader, data, "header", file_format, RECORD_SOURCES)
    trailer = _columns(reader, data, "trailer", file_format, RECORD_SOURCES)
    sources = [column.source for column in columns]
    for needed in ("line_id", "amount_fen", "status"):
        if needed not in sources:
            reader.problem(
                reader.where(data, "columns"),
                "columns",
                _("a return line needs a column from “%(source)s”") % {"source": needed},
            )
    if cycle_check == "header" and not {"region", "month"} <= {c.source for c in header}:
        reader.problem(
            reader.where(data, "cycle_check"),
            "cycle_check",
            _("checking the cycle by the header needs header fields from “region” and “month”"),
        )
    if cycle_check == "file_name":
        fields = _pattern_fields(file_name or "")
        if not {"region", "month"} <= fields:
            reader.problem(
                reader.where(data, "cycle_check"),
                "cycle_check",
                _(
                    "checking the cycle by the file name needs a file_name with {region} and {month}"
                ),
            )
    status = data.get("status")
    paid = rejected = reversed_codes = frozenset[str]()
    if not isinstance(status, _Mapping):
        reader.problem(
            reader.where(data, "status"),
            "status",
            _("must list the bank's codes under paid, rejected and reversed"),
        )
    else:
        _unknown_keys(reader, status, {"paid", "rejected", "reversed"}, prefix="status.")
        paid = reader.codes(status, "paid")
        rejected = reader.codes(status, "rejected")
        reversed_codes = reader.codes(status, "reversed")
        if not paid:
            reader.problem(status.line, "status.paid", _("this key is required"))
        if (paid & rejected) or (paid & reversed_codes) or (rejected & reversed_codes):
            reader.problem(status.line, "status", _("a status code may stand for one outcome only"))
    reasons: dict[str, str] = {}
    reason_data = data.get("reasons", _Mapping())
    if not isinstance(reason_data, _Mapping):
        reader.problem(reader.where(data, "reasons"), "reasons", _("must be a mapping"))
    else:
        for code, kind in reason_data.items():
            if kind not in REASON_KINDS:
                reader.problem(
                    reader.where(reason_data, code),
                    f"reasons.{code}",
                    _("“%(value)s” is not one of: %(choices)s")
                    % {"value": kind, "choices": ", ".join(REASON_KINDS)},
                )
            reasons[str(code)] = str(kind)
    if (rejected or reversed_codes) and "reason" not in sources:
        reader.problem(
            reader.where(data, "columns"),
            "columns",
            _("a return file with rejections needs a column from “reason”"),
        )
    if reader.problems:
        return None
    assert file_format and return_encoding and line_ending and delimiter is not None  # noqa: S101
    return ReturnLayout(
        format=file_format,
        encoding=return_encoding,
        delimiter=delimiter,
        line_ending=LINE_ENDINGS[line_ending],
        columns=columns,
        header=header,
        trailer=trailer,
        column_titles=reader.flag(data, "column_titles"),
        file_name=file_name,
        cycle_check=cycle_check or "header",
        paid=paid,
        rejected=rejected,
        reversed=reversed_codes,
        reasons=reasons,
    )


def _unknown_keys(reader: _Reader, data: _Mapping, known: set[str], prefix: str = "") -> None:
    for key in data:
        if key not in known:
            reader.problem(
                reader.where(data, key),
                prefix + key,
                _("is not a key of a layout (known: %(known)s)")
                % {"known": ", ".join(sorted(known))},
            )


def _delimiter(reader: _Reader, data: _Mapping, file_format: str | None) -> str | None:
    if file_format != "csv":
        return ""
    delimiter = reader.text(data, "delimiter", required=False, default=",")
    if delimiter is not None and (len(delimiter) != 1 or delimiter in '"\r\n'):
        reader.problem(
            reader.where(data, "delimiter"),
            "delimiter",
            _("must be one character other than a quote or a line break"),
        )
        return None
    return delimiter


def _pattern_fields(pattern: str) -> set[str]:
    try:
        return {name for _text, name, _spec, _conv in string.Formatter().parse(pattern) if name}
    except ValueError:
        return set()


def _file_name_check(reader: _Reader, data: _Mapping, key: str, pattern: str) -> None:
    line = reader.where(data, key)
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError as error:
        reader.problem(line, key, _("is not a valid pattern (%(error)s)") % {"error": error})
        return
    for _text, name, _spec, _conversion in parts:
        if name is not None and name not in FILE_NAME_FIELDS:
            reader.problem(
                line,
                key,
                _("“{%(name)s}” is not one of: %(choices)s")
                % {"name": name, "choices": ", ".join(FILE_NAME_FIELDS)},
            )
            return
    try:
        example = pattern.format(bank="BANK", region="532901", month="202612", sequence=1)
    except (ValueError, KeyError, IndexError) as error:
        reader.problem(line, key, _("is not a valid pattern (%(error)s)") % {"error": error})
        return
    if "/" in example or "\\" in example or example.startswith("."):
        reader.problem(line, key, _("must be a plain file name, not a path"))


def _columns(
    reader: _Reader,
    data: _Mapping,
    key: str,
    file_format: str | None,
    sources: tuple[str, ...],
    *,
    required: bool = False,
) -> tuple[Column, ...]:
    if key not in data:
        if required:
            reader.problem(data.line, key, _("this key is required"))
        return ()
    items = data[key]
    if not isinstance(items, list) or (required and not items):
        reader.problem(reader.where(data, key), key, _("must be a list of columns"))
        return ()
    columns = []
    names: set[str] = set()
    for index, item in enumerate(items, start=1):
        where = f"{key}[{index}]"
        if not isinstance(item, _Mapping):
            reader.problem(getattr(items, "line", data.line), where, _("must be a mapping of keys"))
            continue
        column = _column(reader, item, where, file_format, sources)
        if column is None:
            continue
        if column.name in names:
            reader.problem(item.line, f"{where}.name", _("this name is used twice"))
        names.add(column.name)
        columns.append(column)
    return tuple(columns)


def _column(
    reader: _Reader, item: _Mapping, where: str, file_format: str | None, sources: tuple[str, ...]
) -> Column | None:
    with reader.within(f"{where}."):
        return _column_inner(reader, item, file_format, sources)


def _column_inner(
    reader: _Reader, item: _Mapping, file_format: str | None, sources: tuple[str, ...]
) -> Column | None:
    before = len(reader.problems)
    known = {"name", "source", "value", "width", "align", "pad", "amount", "title"}
    _unknown_keys(reader, item, known)
    name = reader.text(item, "name")
    source = reader.text(item, "source", required=False)
    value = reader.text(item, "value", required=False)
    if (source is None) == (value is None):
        reader.problem(item.line, "source", _("give either a source or a fixed value"))
    if source is not None and source not in sources:
        reader.problem(
            reader.where(item, "source"),
            "source",
            _("“%(value)s” is not one of: %(choices)s")
            % {"value": source, "choices": ", ".join(sources)},
        )
    width = reader.whole(item, "width")
    if file_format == "fixed" and width is None and "width" not in item:
        reader.problem(item.line, "width", _("a fixed-width column needs a width"))
    if file_format == "fixed" and value is not None and width is not None:
        if len(value.encode("utf-8")) > width or not value.isascii():
            reader.problem(
                reader.where(item, "value"),
                "value",
                _("a fixed value must be plain ASCII and fit its width"),
            )
    align = reader.choice(item, "align", ALIGNMENTS, default="left") or "left"
    pad = reader.text(item, "pad", required=False, default=" ") or " "
    if len(pad) != 1 or not pad.isascii():
        reader.problem(reader.where(item, "pad"), "pad", _("must be one ASCII character"))
    amount = reader.choice(item, "amount", (*AMOUNT_UNITS, ""), default="") or None
    if source in AMOUNT_SOURCES and amount is None:
        reader.problem(item.line, "amount", _("an amount column must say fen or yuan"))
    if amount is not None and source not in AMOUNT_SOURCES:
        reader.problem(reader.where(item, "amount"), "amount", _("only amounts are in fen or yuan"))
    title = reader.text(item, "title", required=False)
    if len(reader.problems) > before:
        return None
    assert name is not None  # noqa: S101
    return Column(
        name=name,
        source=source,
        value=value,
        width=width,
        align=align,  # type: ignore[arg-type]
        pad=pad,
        amount=amount,  # type: ignore[arg-type]
        title=title or name,
    )
