"""The dry run: every wrong cell of an import file, named by row, column and a plain reason.

Set-based: each check is a Polars expression over the whole file, so a million rows take seconds.
The only per-value Python work is the keyed hash of each identity number (needed to find people
already registered). The identity number's check digit is `stdnum.cn.ric`'s, vectorized in numpy
(the tests hold the two against each other); like registry.validation, the birth-place check is
left out, because the address code is where the number was issued, often years after birth.

A household is the unit of import: if any of its rows is wrong, none of them is imported, because a
household missing one member would show a wrong income per person. The other rows say why.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import polars as pl
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from huimin.core import access
from huimin.core.models import Region, User
from huimin.core.pii import blind_index, current_key
from huimin.registry.bulk.columns import (
    BY_KEY,
    COLUMNS,
    HOUSEHOLD_KEYS,
    NO_WORDS,
    ROW_COLUMN,
    YES_WORDS,
    Column,
    Kind,
    Level,
)
from huimin.registry.bulk.reading import FileContent
from huimin.registry.models import Household, Person, Relation

LOOKUP_BATCH = 5000
ID_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)], dtype=np.int64)
ID_CHECK_CHARS = "10X98765432"
ERROR_SCHEMA = {ROW_COLUMN: pl.Int64, "column": pl.Utf8, "message": pl.Utf8}
PHONE_PATTERN = r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}|[0-9]{7,8})$"


@dataclass
class CheckResult:
    """The outcome of a dry run.

    `frame` holds every file row with parsed, typed values (columns named as in the template, plus
    `id_index`, `person_id`, `household_id` of matching registry records, and `rejected`).
    """

    frame: pl.DataFrame
    errors: pl.DataFrame  # __row, column, message: real problems, in row order
    knock_on: pl.DataFrame  # __row, message: rows refused only because their household was
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def accepted(self) -> pl.DataFrame:
        return self.frame.filter(~pl.col("rejected"))

    def error_text_by_row(self) -> dict[int, str]:
        """Row -> every reason for refusing it, joined, for the rejected-rows file."""
        texts: dict[int, list[str]] = {}
        for row, column, message in self.errors.iter_rows():
            label = BY_KEY[column].label_zh if column in BY_KEY else ""
            texts.setdefault(row, []).append(f"{label}：{message}" if label else message)
        for row, message in self.knock_on.iter_rows():
            texts.setdefault(row, []).append(message)
        return {row: "；".join(parts) for row, parts in texts.items()}


def check_file(content: FileContent, *, user: User) -> CheckResult:
    frame = content.frame
    errors: list[pl.DataFrame] = []
    parsed: dict[str, pl.Expr] = {}
    for column in COLUMNS:
        value, problems = _parse(column)
        parsed[column.key] = value
        errors.extend(_errors_where(frame, problem, column.key) for problem in problems)
    typed = frame.select(pl.col(ROW_COLUMN), **_raw_aliases(), **parsed)
    typed = typed.with_columns(_derived_from_id())
    errors.extend(_id_number_errors(frame, typed, content))
    errors.extend(_person_rule_errors(typed))
    errors.extend(_village_errors(typed, user))
    errors.extend(_duplicate_errors(typed))
    typed = _attach_registry(typed)
    errors.extend(_registry_errors(typed, user))
    errors.extend(_household_errors(typed))
    all_errors = (
        pl.concat([e for e in errors if e.height], how="vertical")
        if any(e.height for e in errors)
        else pl.DataFrame(schema=ERROR_SCHEMA)
    ).sort(ROW_COLUMN, maintain_order=True)
    return _reject(typed, all_errors)


# --- one column at a time -------------------------------------------------------------------


def _raw_aliases() -> dict[str, pl.Expr]:
    return {f"raw_{key}": pl.col(key) for key in ("id_number", "bank_account", "phone")}


def _with_value(template: str, value: pl.Expr) -> pl.Expr:
    """A translated message with the cell's value put where it says %(value)s."""
    before, _sep, after = template.partition("%(value)s")
    return pl.concat_str([pl.lit(before), value, pl.lit(after)])


def _parse(column: Column) -> tuple[pl.Expr, list[pl.Expr]]:
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
    words: dict[str, str] = {}
    for code, word in column.choices.items():
        words[code.lower()] = code
        words[word] = code
    mapped = raw.str.to_lowercase().replace_strict(words, default=None, return_dtype=pl.Utf8)
    value = pl.when(empty).then(pl.lit(column.default or None, dtype=pl.Utf8)).otherwise(mapped)
    allowed = "、".join(column.choices.values())
    message = _("“%(value)s” is not one of the allowed values: %(allowed)s.").replace(
        "%(allowed)s", allowed
    )
    return value, pl.when(~empty & mapped.is_null()).then(_with_value(message, raw))


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
    return value, pl.when(~empty & ~yes & ~no).then(_with_value(message, raw))


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
    return value, pl.when(~empty & value.is_null()).then(_with_value(message, raw))


def _parse_int(column: Column, raw: pl.Expr, empty: pl.Expr) -> tuple[pl.Expr, pl.Expr | None]:
    number = raw.cast(pl.Int64, strict=False)
    good = raw.str.contains(r"^[0-9]{1,6}$") & number.is_between(column.low, column.high)
    value = pl.when(empty | ~good).then(None).otherwise(number)
    message = _("“%(value)s” is not a whole number from %(low)d to %(high)d.") % {
        "value": "%(value)s",
        "low": column.low,
        "high": column.high,
    }
    return value, pl.when(~empty & ~good).then(_with_value(message, raw))


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
        .then(_with_value(_("“%(value)s”: an amount cannot be negative."), raw))
        .when(too_precise)
        .then(_with_value(_("“%(value)s” has more than two decimal places."), raw))
        .otherwise(
            _with_value(_("“%(value)s” is not an amount of money in yuan, e.g. 1200.50."), raw)
        )
    )
    return value, pl.when(~empty & whole.is_null()).then(message)


def _parse_id(column: Column, raw: pl.Expr, empty: pl.Expr) -> tuple[pl.Expr, pl.Expr | None]:
    # Checked in _id_number_errors with numpy; here only normalized.
    return raw.str.replace_all(r"\s", "").str.to_uppercase(), None


def _parse_village(column: Column, raw: pl.Expr, empty: pl.Expr) -> tuple[pl.Expr, pl.Expr | None]:
    return raw, None  # checked against the region table in _village_errors


def _parse_digits(column: Column, raw: pl.Expr, empty: pl.Expr) -> tuple[pl.Expr, pl.Expr | None]:
    cleaned = raw.str.replace_all(r"\s", "")
    if column.key == "phone":
        good = cleaned.str.contains(PHONE_PATTERN)
        message = _(
            "“%(value)s” is not a phone number (11-digit mobile or landline with area code)."
        )
    else:
        good = cleaned.str.contains(r"^[0-9]{12,30}$")
        message = _("“%(value)s” is not a bank account number (12 to 30 digits).")
    value = pl.when(empty).then(pl.lit("")).otherwise(cleaned)
    return value, pl.when(~empty & ~good).then(_with_value(message, raw))


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


def _errors_where(frame: pl.DataFrame, message: pl.Expr, column: str) -> pl.DataFrame:
    return (
        frame.select(pl.col(ROW_COLUMN), message.alias("message"))
        .filter(pl.col("message").is_not_null())
        .select(pl.col(ROW_COLUMN), pl.lit(column).alias("column"), pl.col("message"))
    )


def _typed_errors(
    typed: pl.DataFrame, condition: pl.Expr, column: str, message: pl.Expr | str
) -> pl.DataFrame:
    text = pl.lit(message) if isinstance(message, str) else message
    return _errors_where(typed, pl.when(condition).then(text), column)


# --- identity numbers -------------------------------------------------------------------------


def _derived_from_id() -> list[pl.Expr]:
    number = pl.col("id_number")
    return [
        number.str.slice(6, 8).str.strptime(pl.Date, "%Y%m%d", strict=False).alias("id_birth_date"),
        pl.when(number.str.slice(16, 1).cast(pl.Int64, strict=False) % 2 == 1)
        .then(pl.lit("M"))
        .otherwise(pl.lit("F"))
        .alias("id_sex"),
    ]


def id_checksum_ok(numbers: pl.Series) -> np.ndarray:
    """ISO 7064 MOD 11-2 check of 18-character identity numbers, vectorized (GB 11643)."""
    shaped = numbers.str.contains(r"^[0-9]{17}[0-9X]$").fill_null(False).to_numpy()
    body = numbers.str.slice(0, 17).cast(pl.Int64, strict=False).fill_null(0).to_numpy()
    total = np.zeros(len(body), dtype=np.int64)
    for position, weight in enumerate(ID_WEIGHTS):
        total += (body // 10 ** (16 - position)) % 10 * weight
    expected = np.array(list(ID_CHECK_CHARS))[total % 11]
    given = numbers.str.slice(17, 1).fill_null("").to_numpy()
    return shaped & (expected == given)


def _id_number_errors(
    frame: pl.DataFrame, typed: pl.DataFrame, content: FileContent
) -> list[pl.DataFrame]:
    numbers = typed["id_number"]
    filled = (numbers != "").to_numpy()
    right_shape = numbers.str.contains(r"^[0-9]{17}[0-9X]$").to_numpy()
    checksum = id_checksum_ok(numbers)
    birth = typed["id_birth_date"]
    today = timezone.localdate()
    date_ok = (birth.is_not_null() & (birth <= today) & (birth >= date(1880, 1, 1))).to_numpy()
    rows = typed[ROW_COLUMN].to_numpy()
    problems: list[tuple[np.ndarray, str]] = [
        (
            filled & ~right_shape,
            _("An identity number has 18 characters: 17 digits, then a digit or X."),
        ),
        (
            filled & right_shape & ~checksum,
            _("The identity number's check digit is wrong: a digit was probably mistyped."),
        ),
        (
            filled & checksum & ~date_ok,
            _("The birth date inside the identity number (digits 7 to 14) is not a real date."),
        ),
    ]
    numeric_rows = set(content.numeric_cells.get("id_number", []))
    if numeric_rows:
        problems.append(
            (
                np.isin(rows, list(numeric_rows)),
                _(
                    "Excel stored this identity number as a number, which loses its last digits: "
                    "format the column as text and type the number again."
                ),
            )
        )
    return [_rows_frame(rows[mask], "id_number", message) for mask, message in problems]


def _rows_frame(rows: np.ndarray, column: str, message: str) -> pl.DataFrame:
    return pl.DataFrame(
        {
            ROW_COLUMN: rows.astype(np.int64),
            "column": [column] * len(rows),
            "message": [message] * len(rows),
        },
        schema=ERROR_SCHEMA,
    )


# --- rules within one row ---------------------------------------------------------------------


def _person_rule_errors(typed: pl.DataFrame) -> list[pl.DataFrame]:
    today = timezone.localdate()
    c = pl.col
    id_ok = c("id_birth_date").is_not_null()
    fmt_date = c("id_birth_date").dt.strftime("%Y-%m-%d")
    sex_word = pl.when(c("id_sex") == "M").then(pl.lit("男")).otherwise(pl.lit("女"))
    return [
        _typed_errors(
            typed,
            id_ok & c("birth_date").is_not_null() & (c("birth_date") != c("id_birth_date")),
            "birth_date",
            _with_value(_("Disagrees with the identity number, which says %(value)s."), fmt_date),
        ),
        _typed_errors(
            typed,
            id_ok & c("sex").is_not_null() & (c("sex") != c("id_sex")),
            "sex",
            _with_value(_("Disagrees with the identity number, which says %(value)s."), sex_word),
        ),
        _typed_errors(
            typed,
            c("disability_category").is_null() != c("disability_grade").is_null(),
            "disability_grade",
            _("Give the disability category and grade together, or leave both empty."),
        ),
        _typed_errors(
            typed,
            c("special_care_grade").is_not_null()
            & (c("special_care_category") != "disabled_veteran"),
            "special_care_grade",
            _("Only a disabled veteran has a special-care disability grade."),
        ),
        _typed_errors(
            typed,
            (c("counted_in_family") == False) & c("not_counted_reason").is_null(),  # noqa: E712
            "not_counted_reason",
            _("Say why this person is not counted in the family."),
        ),
        _typed_errors(
            typed,
            (c("counted_in_family") == True) & c("not_counted_reason").is_not_null(),  # noqa: E712
            "counted_in_family",
            _(
                "A reason for not counting this person is given, but the person is marked as counted."
            ),
        ),
        _typed_errors(
            typed,
            c("death_date").is_not_null() & (c("death_date") > today),
            "death_date",
            _("The date of death is in the future."),
        ),
        _typed_errors(
            typed,
            c("death_date").is_not_null() & id_ok & (c("death_date") < c("id_birth_date")),
            "death_date",
            _("The date of death is before the date of birth."),
        ),
        _typed_errors(
            typed,
            (c("payee") == True) & c("death_date").is_not_null(),  # noqa: E712
            "payee",
            _("A person who has died cannot be the payee."),
        ),
    ]


# --- villages and jurisdiction ----------------------------------------------------------------


def _village_errors(typed: pl.DataFrame, user: User) -> list[pl.DataFrame]:
    codes = typed.filter(pl.col("village_code") != "")["village_code"].unique().to_list()
    well_formed = [code for code in codes if len(code) == 12 and code.isdigit()]
    known = set(
        Region.objects.filter(code__in=well_formed, level="village").values_list("code", flat=True)
    )
    outside = {code for code in known if not access.covers(user, code)}
    c = pl.col("village_code")
    return [
        _typed_errors(
            typed,
            (c != "") & ~c.str.contains(r"^[0-9]{12}$"),
            "village_code",
            _with_value(_("“%(value)s” is not a 12-digit village code."), c),
        ),
        _typed_errors(
            typed,
            c.str.contains(r"^[0-9]{12}$") & ~c.is_in(list(known)),
            "village_code",
            _with_value(_("There is no village with the code %(value)s."), c),
        ),
        _typed_errors(
            typed,
            c.is_in(list(outside)),
            "village_code",
            _with_value(_("The village %(value)s is outside your jurisdiction."), c),
        ),
    ]


# --- duplicates and what the registry already holds ------------------------------------------


def _duplicate_errors(typed: pl.DataFrame) -> list[pl.DataFrame]:
    with_id = typed.filter(pl.col("id_number") != "").select(ROW_COLUMN, "id_number")
    others = (
        with_id.group_by("id_number")
        .agg(pl.col(ROW_COLUMN).alias("rows"))
        .filter(pl.col("rows").list.len() > 1)
    )
    if others.height == 0:
        return []
    joined = with_id.join(others, on="id_number").with_columns(
        pl.col("rows").list.eval(pl.element().cast(pl.Utf8)).list.join("、").alias("rows_text")
    )
    message = _("The same identity number appears more than once in the file, on rows %(value)s.")
    return [
        joined.select(
            pl.col(ROW_COLUMN),
            pl.lit("id_number").alias("column"),
            _with_value(message, pl.col("rows_text")).alias("message"),
        )
    ]


def _attach_registry(typed: pl.DataFrame) -> pl.DataFrame:
    """Blind-index every identity number and look the people and households up in batches."""
    key = current_key()
    indexes = [blind_index(number, key) if number else "" for number in typed["id_number"]]
    typed = typed.with_columns(pl.Series("id_index", indexes, dtype=pl.Utf8))

    people: list[tuple[str, int, int]] = []
    wanted = [i for i in set(indexes) if i]
    for start in range(0, len(wanted), LOOKUP_BATCH):
        batch = wanted[start : start + LOOKUP_BATCH]
        people.extend(
            Person.objects.filter(id_number_index__in=batch).values_list(
                "id_number_index", "pk", "household_id"
            )
        )
    person_frame = pl.DataFrame(
        people,
        schema={"id_index": pl.Utf8, "person_id": pl.Int64, "person_household_id": pl.Int64},
        orient="row",
    )

    households: list[tuple[str, int, str]] = []
    numbers = [n for n in typed["household_no"].unique().to_list() if n]
    for start in range(0, len(numbers), LOOKUP_BATCH):
        households.extend(
            Household.objects.filter(
                household_no__in=numbers[start : start + LOOKUP_BATCH]
            ).values_list("household_no", "pk", "region_code")
        )
    household_frame = pl.DataFrame(
        households,
        schema={"household_no": pl.Utf8, "household_id": pl.Int64, "household_region": pl.Utf8},
        orient="row",
    )
    return typed.join(person_frame, on="id_index", how="left").join(
        household_frame, on="household_no", how="left"
    )


def _registry_errors(typed: pl.DataFrame, user: User) -> list[pl.DataFrame]:
    errors: list[pl.DataFrame] = []
    # Households the file names by number but which belong to another jurisdiction.
    regions = typed.filter(pl.col("household_region").is_not_null())["household_region"].unique()
    foreign_regions = [code for code in regions.to_list() if not access.covers(user, code)]
    errors.append(
        _typed_errors(
            typed,
            pl.col("household_region").is_in(foreign_regions),
            "household_no",
            _with_value(
                _(
                    "The household number %(value)s is already used by a household outside your jurisdiction."
                ),
                pl.col("household_no"),
            ),
        )
    )
    # People registered in a different household than the one this row puts them in.
    elsewhere = typed.filter(
        pl.col("person_id").is_not_null()
        & (pl.col("person_household_id") != pl.col("household_id")).fill_null(True)
    )
    if elsewhere.height:
        ids = elsewhere["person_household_id"].unique().to_list()
        visible = dict(
            access.scope(Household.objects.filter(pk__in=ids), user).values_list(
                "pk", "household_no"
            )
        )
        seen = pl.DataFrame(
            list(visible.items()),
            schema={"person_household_id": pl.Int64, "existing_no": pl.Utf8},
            orient="row",
        )
        named = _(
            "This person is already registered in household %(value)s; a move between households "
            "is done on the household page, not by import."
        )
        hidden = _(
            "This person is already registered in another household, outside your jurisdiction."
        )
        errors.append(
            elsewhere.join(seen, on="person_household_id", how="left").select(
                pl.col(ROW_COLUMN),
                pl.lit("id_number").alias("column"),
                pl.when(pl.col("existing_no").is_not_null())
                .then(_with_value(named, pl.col("existing_no")))
                .otherwise(pl.lit(hidden))
                .alias("message"),
            )
        )
    return errors


# --- one household across its rows ------------------------------------------------------------


def _household_errors(typed: pl.DataFrame) -> list[pl.DataFrame]:
    errors: list[pl.DataFrame] = []
    grouped = typed.filter(pl.col("household_no") != "")
    errors.extend(_disagreeing_household_columns(grouped))
    errors.extend(_missing_household_values(grouped))
    errors.extend(_heads_and_payees(grouped))
    return errors


def _disagreeing_household_columns(grouped: pl.DataFrame) -> Iterable[pl.DataFrame]:
    message = _(
        "Rows of the same household must agree on this column; the household's first row with a "
        "value says “%(value)s”."
    )
    for key in HOUSEHOLD_KEYS:
        if key == "household_no":
            continue
        raw = pl.col(key).cast(pl.Utf8)
        filled = grouped.filter(pl.col(key).is_not_null() & (raw != ""))
        if filled.height == 0:
            continue
        first = filled.group_by("household_no", maintain_order=True).agg(raw.first().alias("first"))
        differing = filled.join(first, on="household_no").filter(raw != pl.col("first"))
        if differing.height:
            yield differing.select(
                pl.col(ROW_COLUMN),
                pl.lit(key).alias("column"),
                _with_value(message, pl.col("first")).alias("message"),
            )


def _missing_household_values(grouped: pl.DataFrame) -> Iterable[pl.DataFrame]:
    message = _("No row of this household fills in this column, and it is required.")
    for column in COLUMNS:
        if (
            column.level is not Level.HOUSEHOLD
            or not column.required
            or column.key == "household_no"
        ):
            continue
        raw = pl.col(column.key).cast(pl.Utf8)
        per_household = grouped.group_by("household_no", maintain_order=True).agg(
            pl.col(ROW_COLUMN).first(), (raw.is_not_null() & (raw != "")).any().alias("has")
        )
        missing = per_household.filter(~pl.col("has"))
        if missing.height:
            yield missing.select(
                pl.col(ROW_COLUMN),
                pl.lit(column.key).alias("column"),
                pl.lit(message).alias("message"),
            )


def _heads_and_payees(grouped: pl.DataFrame) -> Iterable[pl.DataFrame]:
    existing_ids = grouped["household_id"].drop_nulls().unique().to_list()
    in_file = set(grouped["id_index"].to_list())
    registry_heads: dict[int, int] = {}
    for start in range(0, len(existing_ids), LOOKUP_BATCH):
        batch = existing_ids[start : start + LOOKUP_BATCH]
        for household_id, index in Person.objects.filter(
            Q(household_id__in=batch), relation=Relation.HEAD
        ).values_list("household_id", "id_number_index"):
            if index not in in_file:  # the file's row for this person overrides the registry
                registry_heads[household_id] = registry_heads.get(household_id, 0) + 1
    heads_elsewhere = pl.DataFrame(
        list(registry_heads.items()),
        schema={"household_id": pl.Int64, "registry_heads": pl.Int64},
        orient="row",
    )
    per_household = (
        grouped.group_by("household_no", maintain_order=True)
        .agg(
            pl.col(ROW_COLUMN).first(),
            pl.col("household_id").first(),
            (pl.col("relation") == "head").sum().alias("heads"),
            (pl.col("payee") == True).sum().alias("payees"),  # noqa: E712
            pl.col(ROW_COLUMN).filter(pl.col("relation") == "head").first().alias("head_row"),
            pl.col("death_date").filter(pl.col("relation") == "head").first().alias("head_death"),
        )
        .join(heads_elsewhere, on="household_id", how="left")
        .with_columns((pl.col("heads") + pl.col("registry_heads").fill_null(0)).alias("all_heads"))
    )
    none = per_household.filter(pl.col("all_heads") == 0)
    several = per_household.filter(pl.col("all_heads") > 1)
    many_payees = per_household.filter(pl.col("payees") > 1)
    dead_head_payee = per_household.filter(
        (pl.col("payees") == 0)
        & pl.col("household_id").is_null()
        & pl.col("head_death").is_not_null()
    )
    yield none.select(
        pl.col(ROW_COLUMN),
        pl.lit("relation").alias("column"),
        pl.lit(_("This household has no head: mark exactly one member as 户主 (head).")).alias(
            "message"
        ),
    )
    yield several.select(
        pl.col(ROW_COLUMN),
        pl.lit("relation").alias("column"),
        _with_value(
            _("This household has %(value)s heads; it must have exactly one."),
            pl.col("all_heads").cast(pl.Utf8),
        ).alias("message"),
    )
    yield many_payees.select(
        pl.col(ROW_COLUMN),
        pl.lit("payee").alias("column"),
        pl.lit(_("More than one member is marked as payee; mark at most one.")).alias("message"),
    )
    yield dead_head_payee.select(
        pl.col("head_row").alias(ROW_COLUMN),
        pl.lit("payee").alias("column"),
        pl.lit(
            _(
                "The head has died, so the head cannot receive the payments: mark a living adult as payee."
            )
        ).alias("message"),
    )


# --- which rows go in -------------------------------------------------------------------------


def _reject(typed: pl.DataFrame, errors: pl.DataFrame) -> CheckResult:
    bad_rows = errors[ROW_COLUMN].unique()
    wrong = typed.filter(pl.col(ROW_COLUMN).is_in(bad_rows.implode()))
    bad_households = (
        wrong.filter(pl.col("household_no") != "")
        .group_by("household_no")
        .agg(pl.col(ROW_COLUMN).min().alias("first_bad_row"))
    )
    typed = typed.join(bad_households, on="household_no", how="left").with_columns(
        (
            pl.col(ROW_COLUMN).is_in(bad_rows.implode()) | pl.col("first_bad_row").is_not_null()
        ).alias("rejected")
    )
    message = _("Not imported because row %(value)s of the same household has an error.")
    knock_on = typed.filter(
        pl.col("rejected") & ~pl.col(ROW_COLUMN).is_in(bad_rows.implode())
    ).select(
        pl.col(ROW_COLUMN),
        _with_value(message, pl.col("first_bad_row").cast(pl.Utf8)).alias("message"),
    )
    accepted = typed.filter(~pl.col("rejected"))
    counts = {
        "rows": typed.height,
        "rows_with_errors": bad_rows.len(),
        "rows_rejected": typed.height - accepted.height,
        "rows_accepted": accepted.height,
        "errors": errors.height,
        "households": typed["household_no"].n_unique(),
        "households_rejected": bad_households.height,
        "persons_new": accepted.filter(pl.col("person_id").is_null()).height,
        "persons_known": accepted.filter(pl.col("person_id").is_not_null()).height,
        "households_new": accepted.filter(pl.col("household_id").is_null())[
            "household_no"
        ].n_unique(),
        "households_known": accepted.filter(pl.col("household_id").is_not_null())[
            "household_no"
        ].n_unique(),
    }
    return CheckResult(
        frame=typed.drop("first_bad_row"), errors=errors, knock_on=knock_on, counts=counts
    )
