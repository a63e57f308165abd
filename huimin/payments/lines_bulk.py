"""Payment lines made and written set-based: plain rows from one query, sealed, inserted at once.

No model objects and no decryption: a chunk of entitlements is one query (with the household's
payee and head beside each), each line one `json.dumps` and one SHA-256, and the chunk one
statement — on PostgreSQL a COPY into a staging table and one INSERT … SELECT, on SQLite one
`executemany` — that skips what the unique keys already hold, so running it again adds only
what is missing.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Q, QuerySet

from huimin.casework.models import Entitlement
from huimin.payments.models import (
    Channel,
    CollectionAuthorization,
    LineKind,
    LineStatus,
    PaymentLine,
)
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
    "authorization_id",
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


def entitlement_rows(
    entitlements: "QuerySet[Entitlement]", *, with_snapshot: bool = True
) -> list[EntitlementRow]:
    """What a line needs from each of these entitlements, its household and — only where
    neither names a payee — the household's head (a second small query, not a subquery per
    line). Without the snapshot (None) the rows say who is paid what, not why."""
    rows = entitlements.order_by("pk").values_list(
        "pk",
        "program",
        "monthly_fen",
        "decision_id",
        "category",
        "status",
        "start_month",
        "review_due",
        "snapshot" if with_snapshot else "decision_id",
        "person_id",
        "household_id",
        "household__payee_id",
        "household__region_code",
    )
    found: list[Any] = [(*row[:8], row[8] if with_snapshot else None, *row[9:]) for row in rows]
    headless = {row[10] for row in found if row[9] is None and row[11] is None}
    heads: dict[int, int] = {}
    for household, head in (
        Person.objects.filter(household_id__in=headless, relation="head")
        .order_by("pk")
        .values_list("household_id", "pk")
    ):
        heads.setdefault(household, head)  # the first head recorded, as lines_sql takes
    return [EntitlementRow._make((*values, heads.get(values[10]))) for values in found]


class AuthorizationRow(NamedTuple):
    pk: int
    payee_id: int
    collector_name: str
    kind: str
    valid_from: dt.date
    valid_until: dt.date | None


def authorizations_valid(payee_ids: Iterable[int], month: dt.date) -> dict[int, AuthorizationRow]:
    """Payee -> the collection authorization valid on the pay month's first day and not revoked,
    for a whole chunk in one query. Where several are valid, the one that began last holds."""
    rows = (
        CollectionAuthorization.objects.filter(
            payee_id__in=set(payee_ids), valid_from__lte=month, revoked_at__isnull=True
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=month))
        .order_by("payee_id", "valid_from", "pk")
        .values_list("pk", "payee_id", "collector_name", "kind", "valid_from", "valid_until")
    )
    return {row[1]: AuthorizationRow(*row) for row in rows}


def payee_of(row: EntitlementRow) -> int | None:
    return row.person_id or row.household_payee_id or row.head_id


def frozen_record(
    row: EntitlementRow, authorization: AuthorizationRow | None = None
) -> dict[str, Any]:
    """The entitlement as it was when the line was made, and who was to collect."""
    record: dict[str, Any] = {
        "entitlement": row.pk,
        "decision": row.decision_id,
        "monthly_fen": row.monthly_fen,
        "category": row.category,
        "status": row.status,
        "start_month": row.start_month.isoformat(),
        "review_due": row.review_due.isoformat() if row.review_due else None,
        "snapshot": row.snapshot,
    }
    # Only lines collected by someone else carry the key: older lines and lines paid to the payee
    # keep the record (and so the seal `huimin payments verify` recomputes) they always had.
    if authorization is not None:
        record["collection"] = {
            "authorization": authorization.pk,
            "kind": authorization.kind,
            "valid_from": authorization.valid_from.isoformat(),
            "valid_until": (
                authorization.valid_until.isoformat() if authorization.valid_until else None
            ),
        }
    return record


class Instalment(NamedTuple):
    """What a recovery withholds from an entitlement's regular line of the month."""

    recovery_id: int
    amount_fen: int


class Arrear(NamedTuple):
    """A month owed to an entitlement, with the amount it had then and what set that amount."""

    month: dt.date
    amount_fen: int
    source: str


def _line(
    *,
    cycle_id: int,
    kind: str,
    row: EntitlementRow,
    payee_id: int,
    month: dt.date,
    amount_fen: int,
    record: dict[str, Any],
    authorization: AuthorizationRow | None,
    now: dt.datetime,
) -> tuple[Any, ...]:
    """One prepared line (LINE_COLUMNS) with its seal."""
    frozen = frozen_text(record)
    sealed = seal(
        kind=kind,
        entitlement=row.pk,
        month=month.isoformat(),
        purpose="",
        reissue_of=None,
        program=row.program,
        household=row.household_id,
        payee=payee_id,
        amount_fen=amount_fen,
        frozen=frozen,
    )
    return (
        cycle_id,
        kind,
        row.pk,
        month,
        "",
        row.program,
        row.household_id,
        payee_id,
        authorization.collector_name if authorization else "",
        authorization.pk if authorization else None,
        row.region_code,
        amount_fen,
        Channel.BANK.value,
        LineStatus.PENDING.value,
        "",
        "",
        frozen,
        sealed,
        now,
    )


def regular_line_rows(
    *,
    cycle_id: int,
    month: dt.date,
    rows: Sequence[EntitlementRow],
    now: dt.datetime,
    authorizations: dict[int, AuthorizationRow] | None = None,
    instalments: dict[int, list[Instalment]] | None = None,
) -> list[tuple[Any, ...]]:
    """One prepared line (LINE_COLUMNS) per entitlement with somebody to pay; pure.

    `authorizations` (`authorizations_valid`) names who collects for a payee, if not the payee;
    `instalments` (entitlement -> what recoveries withhold) makes a line pay its amount less
    them, the gross and each instalment in its sealed record."""
    authorizations = authorizations or {}
    instalments = instalments or {}
    lines = []
    for row in rows:
        payee_id = payee_of(row)
        if payee_id is None:
            continue  # a household with nobody to pay: the registry must name a payee first
        authorization = authorizations.get(payee_id)
        record = frozen_record(row, authorization)
        withheld = instalments.get(row.pk, [])
        # Only lines with an instalment carry the key: every other line keeps its old record.
        if withheld:
            record["recovery"] = {
                "gross_fen": row.monthly_fen,
                "instalments": [
                    {"recovery": i.recovery_id, "amount_fen": i.amount_fen} for i in withheld
                ],
            }
        lines.append(
            _line(
                cycle_id=cycle_id,
                kind=LineKind.REGULAR.value,
                row=row,
                payee_id=payee_id,
                month=month,
                amount_fen=row.monthly_fen - sum(i.amount_fen for i in withheld),
                record=record,
                authorization=authorization,
                now=now,
            )
        )
    return lines


def arrears_line_rows(
    *,
    cycle_id: int,
    rows: Sequence[EntitlementRow],
    owed: dict[int, list[Arrear]],
    now: dt.datetime,
    authorizations: dict[int, AuthorizationRow] | None = None,
) -> list[tuple[Any, ...]]:
    """One prepared arrears line per month owed (`owed`: entitlement -> its months), each of
    its own month and amount, paid to whom the payroll's regular line pays; pure."""
    authorizations = authorizations or {}
    lines = []
    for row in rows:
        payee_id = payee_of(row)
        if payee_id is None or row.pk not in owed:
            continue
        authorization = authorizations.get(payee_id)
        for arrear in owed[row.pk]:
            record = frozen_record(row, authorization)
            record["arrears"] = {
                "month": f"{arrear.month:%Y-%m}",
                "amount_fen": arrear.amount_fen,
                "amount_from": arrear.source,
            }
            lines.append(
                _line(
                    cycle_id=cycle_id,
                    kind=LineKind.ARREARS.value,
                    row=row,
                    payee_id=payee_id,
                    month=arrear.month,
                    amount_fen=arrear.amount_fen,
                    record=record,
                    authorization=authorization,
                    now=now,
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


def line_statistics_refresh(month: dt.date) -> None:
    """Fresh planner statistics for a month's lines (PostgreSQL; SQLite plans without them).

    Through a function of migration 0012, which runs with the tables' owner's rights: the
    application's role may not ANALYZE (PostgreSQL would skip it with a mere warning)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT huimin_payment_lines_analyze(%s)", [month])


def month_partition_ensure(month: dt.date) -> None:
    """The month's partition of the lines on PostgreSQL, made if it is not there (migration
    0012); lines of a month without one would go to the default partition."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT huimin_payment_lines_partition(%s)", [month])
