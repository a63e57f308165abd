"""One column at a time: parse each cell to its type and say what is wrong with those that fail."""

from collections.abc import Callable

import polars as pl
from django.utils.translation import gettext as _

from huimin.registry.bulk.columns import NO_WORDS, YES_WORDS, Column, Kind, Level
from huimin.registry.bulk.validation._frames import with_value
from huimin.registry.validation import (
    bank_account_problem,
    clean_bank_account,
    clean_phone,
    phone_problem,
)


def raw_aliases() -> dict[str, pl.Expr]:
    return {f"raw_{key}": pl.col(key) for key in ("id_number", "bank_account", "phone")}


def parse_column(column: Column) -> tuple[pl.Expr, list[pl.Expr]]:
    """(parsed value, [message expression, null where fine]) for one column."""
    raw = pl.col(column.key)
    empty = raw == ""
    problems: list[pl.Expr] = []
    if column.required and (column.level is Level.PERSON or column.key == "household_no"):
        problems.append(pl.when(empty).then(pl.lit(_("This column must be filled in."))))
    parser = _PARSERS[column.kind]
    value, problem = parser(column, raw, empty)
    if problem is not None:
        problems.append(problem)
    return value, problems


def _parse_text(column: Column, raw: pl.Expr, empty: pl.Expr) -> tuple[pl.Expr, pl.Expr | None]:
    if not column.max_length:
        return raw, None
    too_long = raw.str.len_chars() > column.max_length
    message = _("Too long: at most %(n)d characters.") % {"n": column.max_length}
    return raw, pl.when(too_long).then(pl.lit(message))


def _parse_code(column: Column, raw: pl.Expr, empty: pl.Expr) -> tuple[pl.Expr, pl.Expr | None]:
    words: dict[str, str] = dict(column.aliases)
    for code, word in column.choices.items():
        words[code.lower()] = code
        words[word] = code
    mapped = raw.str.to_lowercase().replace_strict(words, default=None, return_dtype=pl.Utf8)
    value = pl.when(empty).then(pl.lit(column.default or None, dtype=pl.Utf8)).otherwise(mapped)
    allowed = "、".join(column.choices.values())
    message = _("“%(value)s” is not one of the allowed values: %(allowed)s.").replace(
        "%(allowed)s", allowed
    )
    return value, pl.when(~empty & mapped.is_null()).then(with_value(message, raw))


def _parse_bool(column: Column, raw: pl.Expr, empty: pl.Expr) -> tuple[pl.Expr, pl.Expr | None]:
    lowered = raw.str.to_lowercase()
    yes, no = lowered.is_in(list(YES_WORDS)), lowered.is_in(list(NO_WORDS))
    default = None if column.default == "" else column.default == "true"
    value = (
        pl.when(empty)
        .then(pl.lit(default, dtype=pl.Boolean))
        .when(yes)
        .then(True)
        .when(no)
        .then(False)
        .otherwise(None)
    )
    message = _("“%(value)s” is not 是 or 否 (yes or no).")
    return value, pl.when(~empty & ~yes & ~no).then(with_value(message, raw))


def _date_expr(raw: pl.Expr) -> pl.Expr:
    cleaned = raw.str.replace_all(r"[/.年月]", "-").str.replace(r"日$", "")
    cleaned = (
        pl.when(cleaned.str.contains(r"^[0-9]{8}$"))
        .then(
            pl.concat_str(
                [cleaned.str.slice(0, 4), cleaned.str.slice(4, 2), cleaned.str.slice(6, 2)],
                separator="-",
            )
        )
        .otherwise(cleaned)
    )
    return cleaned.str.strptime(pl.Date, "%Y-%m-%d", strict=False)


def _parse_date(column: Column, raw: pl.Expr, empty: pl.Expr) -> tuple[pl.Expr, pl.Expr | None]:
    value = pl.when(empty).then(None).otherwise(_date_expr(raw))
    message = _("“%(value)s” is not a date; write it as YYYY-MM-DD, e.g. 1958-03-12.")
    return value, pl.when(~empty & value.is_null()).then(with_value(message, raw))


def _parse_int(column: Column, raw: pl.Expr, empty: pl.Expr) -> tuple[pl.Expr, pl.Expr | None]:
    number = raw.cast(pl.Int64, strict=False)
    good = raw.str.contains(r"^[0-9]{1,6}$") & number.is_between(column.low, column.high)
    value = pl.when(empty | ~good).then(None).otherwise(number)
    message = _("“%(value)s” is not a whole number from %(low)d to %(high)d.") % {
        "value": "%(value)s",
        "low": column.low,
        "high": column.high,
    }
    return value, pl.when(~empty & ~good).then(with_value(message, raw))


def _parse_money(column: Column, raw: pl.Expr, empty: pl.Expr) -> tuple[pl.Expr, pl.Expr | None]:
    cleaned = raw.str.replace_all(r"[,，元¥￥\s]", "")
    shape = cleaned.str.extract_groups(r"^([0-9]{1,12})(?:\.([0-9]{1,2}))?$")
    whole = shape.struct.field("1").cast(pl.Int64, strict=False)
    cents = shape.struct.field("2").fill_null("").str.pad_end(2, "0").cast(pl.Int64, strict=False)
    fen = whole * 100 + cents.fill_null(0)
    value = pl.when(empty).then(None).otherwise(fen)
    negative = cleaned.str.starts_with("-")
    too_precise = cleaned.str.contains(r"^[0-9]+\.[0-9]{3,}$")
    message = (
        pl.when(negative)
        .then(with_value(_("“%(value)s”: an amount cannot be negative."), raw))
        .when(too_precise)
        .then(with_value(_("“%(value)s” has more than two decimal places."), raw))
        .otherwise(
            with_value(_("“%(value)s” is not an amount of money in yuan, e.g. 1200.50."), raw)
        )
    )
    return value, pl.when(~empty & whole.is_null()).then(message)


def _parse_id(column: Column, raw: pl.Expr, empty: pl.Expr) -> tuple[pl.Expr, pl.Expr | None]:
    # Checked in id_number_errors with numpy; here only normalized.
    return raw.str.replace_all(r"\s", "").str.to_uppercase(), None


def _parse_village(column: Column, raw: pl.Expr, empty: pl.Expr) -> tuple[pl.Expr, pl.Expr | None]:
    return raw, None  # checked against the region table in village_errors


def _parse_digits(column: Column, raw: pl.Expr, empty: pl.Expr) -> tuple[pl.Expr, pl.Expr | None]:
    """Phones and bank accounts: cleaned and judged by the very functions the forms use."""
    if column.key == "phone":
        clean, problem = clean_phone, phone_problem
    else:
        clean, problem = clean_bank_account, bank_account_problem
    cleaned = raw.map_batches(_each_distinct(clean), return_dtype=pl.Utf8)
    value = pl.when(empty).then(pl.lit("")).otherwise(cleaned)
    message = cleaned.map_batches(_each_distinct(problem), return_dtype=pl.Utf8)
    return value, pl.when(~empty).then(message)


def _each_distinct(function: Callable[[str], str | None]) -> Callable[[pl.Series], pl.Series]:
    """`function` applied once per distinct value of a column (a file repeats few numbers)."""

    def run(series: pl.Series) -> pl.Series:
        distinct = series.drop_nulls().unique().to_list()
        results = {value: function(value) for value in distinct}
        return series.replace_strict(results, default=None, return_dtype=pl.Utf8)

    return run


_PARSERS: dict[Kind, Callable[[Column, pl.Expr, pl.Expr], tuple[pl.Expr, pl.Expr | None]]] = {
    Kind.TEXT: _parse_text,
    Kind.CODE: _parse_code,
    Kind.BOOL: _parse_bool,
    Kind.DATE: _parse_date,
    Kind.INT: _parse_int,
    Kind.MONEY: _parse_money,
    Kind.ID_NUMBER: _parse_id,
    Kind.VILLAGE: _parse_village,
    Kind.DIGITS: _parse_digits,
}
