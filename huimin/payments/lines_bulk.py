"""Payment lines made and written set-based: plain rows from one query, sealed, inserted at once.

No model objects and no decryption: a chunk of entitlements is one query (with the household's
payee and head beside each), each line one `json.dumps` and one SHA-256, and the chunk one
statement — on PostgreSQL a COPY into a staging table and one INSERT … SELECT, on SQLite one
`executemany` — that skips what the unique keys already hold, so running it again adds only
what is missing.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any, NamedTuple

from django.db import connection

from huimin.casework.models import Entitlement
from huimin.payments.models import Channel, LineKind, LineStatus, PaymentLine
from huimin.payments.seal import frozen_text, seal
from huimin.registry.models import Person

LINE_COLUMNS = (
    "cycle_id",
    "kind",
    "entitlement_id",
    "month",
    "purpose_key",
    "program",
    "household_id",
    "payee_id",
    "collector",
    "region_code",
    "amount_fen",
    "channel",
    "status",
    "outcome",
    "reason",
    "frozen",
    "frozen_hash",
    "created_at",
)


class EntitlementRow(NamedTuple):
    pk: int
    program: str
    monthly_fen: int
    decision_id: int | None
    category: str
    status: str
    start_month: dt.date
    review_due: dt.date | None
    snapshot: Any
    person_id: int | None
    household_id: int
    household_payee_id: int | None
    region_code: str
    head_id: int | None


def entitlement_rows(ids: Sequence[int]) -> list[EntitlementRow]:
    """What a line needs from each entitlement, its household and — only where neither names a
    payee — the household's head (a second small query, not a subquery per line)."""
    rows = (
        Entitlement.objects.filter(pk__in=ids)
        .order_by("pk")
        .values_list(
            "pk",
            "program",
            "monthly_fen",
            "decision_id",
            "category",
            "status",
            "start_month",
            "review_due",
            "snapshot",
            "person_id",
            "household_id",
            "household__payee_id",
            "household__region_code",
        )
    )
    found = list(rows)
    headless = {row[10] for row in found if row[9] is None and row[11] is None}
    heads = dict(
        Person.objects.filter(household_id__in=headless, relation="head")
        .order_by("pk")
        .values_list("household_id", "pk")
    )
    return [EntitlementRow(*row, heads.get(row[10])) for row in found]


def frozen_record(row: EntitlementRow) -> dict[str, Any]:
    """The entitlement as it was when the line was made."""
    return {
        "entitlement": row.pk,
        "decision": row.decision_id,
        "monthly_fen": row.monthly_fen,
        "category": row.category,
        "status": row.status,
        "start_month": row.start_month.isoformat(),
        "review_due": row.review_due.isoformat() if row.review_due else None,
        "snapshot": row.snapshot,
    }


def regular_line_rows(
    *, cycle_id: int, month: dt.date, rows: Sequence[EntitlementRow], now: dt.datetime
) -> list[tuple[Any, ...]]:
    """One prepared line (LINE_COLUMNS) per entitlement with somebody to pay; pure."""
    month_text = month.isoformat()
    lines = []
    for row in rows:
        payee_id = row.person_id or row.household_payee_id or row.head_id
        if payee_id is None:
            continue  # a household with nobody to pay: the registry must name a payee first
        frozen = frozen_text(frozen_record(row))
        sealed = seal(
            kind=LineKind.REGULAR.value,
            entitlement=row.pk,
            month=month_text,
            purpose="",
            reissue_of=None,
            program=row.program,
            household=row.household_id,
            payee=payee_id,
            amount_fen=row.monthly_fen,
            frozen=frozen,
        )
        lines.append(
            (
                cycle_id,
                LineKind.REGULAR.value,
                row.pk,
                month,
                "",
                row.program,
                row.household_id,
                payee_id,
                "",
                row.region_code,
                row.monthly_fen,
                Channel.BANK.value,
                LineStatus.PENDING.value,
                "",
                "",
                frozen,
                sealed,
                now,
            )
        )
    return lines


def line_rows_insert(lines: Sequence[tuple[Any, ...]]) -> int:
    """Write prepared lines, skipping any a unique key already holds; returns how many were new.

    Runs inside the caller's transaction."""
    if not lines:
        return 0
    table = PaymentLine._meta.db_table
    columns = ", ".join(LINE_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY cannot skip a conflicting row, so the chunk goes to a staging table first.
            cursor.execute(
                f"CREATE TEMP TABLE payment_lines_new ON COMMIT DROP AS "  # noqa: S608
                f"SELECT {columns} FROM {table} WITH NO DATA"
            )
            with cursor.cursor.copy(f"COPY payment_lines_new ({columns}) FROM STDIN") as copy:
                for line in lines:
                    copy.write_row(line)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM payment_lines_new "  # noqa: S608
                "ON CONFLICT DO NOTHING"
            )
            made = cursor.rowcount
            cursor.execute("DROP TABLE payment_lines_new")
            return made
        adapt_date = connection.ops.adapt_datefield_value
        adapt_time = connection.ops.adapt_datetimefield_value
        month_at, created_at = LINE_COLUMNS.index("month"), LINE_COLUMNS.index("created_at")
        prepared = [
            (
                *line[:month_at],
                adapt_date(line[month_at]),
                *line[month_at + 1 : created_at],
                adapt_time(line[created_at]),
            )
            for line in lines
        ]
        placeholders = ", ".join(["%s"] * len(LINE_COLUMNS))
        cursor.executemany(
            f"INSERT OR IGNORE INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608
            prepared,
        )
        return cursor.rowcount  # the rows inserted; an ignored one changes nothing


def line_statistics_refresh() -> None:
    """Fresh planner statistics for the lines table (PostgreSQL; SQLite plans without them).

    Through the function of migration 0005, which runs with the tables' owner's rights: the
    application's role may not ANALYZE (PostgreSQL would skip it with a mere warning)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT huimin_payment_lines_analyze()")
