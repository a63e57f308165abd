"""A chunk of a month's regular lines made by PostgreSQL itself, in one INSERT … SELECT.

The lines `lines_bulk.regular_line_rows` makes in Python, column for column and seal for seal:
the payee (the entitlement's person, else the household's payee, else its first head), who
collects (the authorization valid on the first of the month that began last), the frozen record
built with `jsonb_build_object` and sealed with `sha256()` over the same text `seal.seal` hashes
(`jsonb`'s text is the canonical form `seal.frozen_text` writes). Nothing travels to Python and
back, so a million lines cost what writing them costs.

Only lines that are the entitlement's monthly amount are made here: an entitlement owed arrears
or being recovered from is made in Python first (`lines_bulk`), and this statement skips what
the unique key already holds.
"""

import datetime as dt
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from huimin.casework.models import Entitlement
from huimin.payments.lines_bulk import LINE_COLUMNS
from huimin.payments.models import Channel, LineKind, LineStatus

# The text `seal.seal` hashes, for the line `f` of the statement below.
SEAL_SQL = (
    "encode(sha256(convert_to("
    """'{"amount_fen": ' || f.monthly_fen || ', "entitlement": ' || f.id"""
    """ || ', "frozen": ' || f.frozen::text || ', "household": ' || f.household_id"""
    """ || ', "kind": ' || to_json(%(kind)s::text)::text"""
    """ || ', "month": ' || to_json(%(month_text)s::text)::text"""
    """ || ', "payee": ' || f.payee_id || ', "program": ' || to_json(f.program::text)::text"""
    """ || ', "purpose": "", "reissue_of": null}'"""
    ", 'UTF8')), 'hex')"
)

# `lines_bulk.frozen_record`, key for key; "collection" only where someone else collects.
FROZEN_SQL = """
    jsonb_build_object(
        'entitlement', p.id, 'decision', p.decision_id, 'monthly_fen', p.monthly_fen,
        'category', p.category, 'status', p.status,
        'start_month', to_char(p.start_month, 'YYYY-MM-DD'),
        'review_due', to_char(p.review_due, 'YYYY-MM-DD'), 'snapshot', p.snapshot
    ) || CASE WHEN p.authorization_id IS NULL THEN '{}'::jsonb ELSE jsonb_build_object(
        'collection', jsonb_build_object(
            'authorization', p.authorization_id, 'kind', p.authorization_kind,
            'valid_from', to_char(p.valid_from, 'YYYY-MM-DD'),
            'valid_until', to_char(p.valid_until, 'YYYY-MM-DD')
        )
    ) END
"""

PAYABLE_SQL = """
    SELECT e.id, e.program, e.monthly_fen, e.decision_id, e.category, e.status, e.start_month,
           e.review_due, e.snapshot, e.household_id, h.region_code, payee.id AS payee_id,
           a.id AS authorization_id, a.collector_name, a.kind AS authorization_kind,
           a.valid_from, a.valid_until
    FROM casework_entitlement e
    JOIN registry_household h ON h.id = e.household_id
    CROSS JOIN LATERAL (
        SELECT COALESCE(e.person_id, h.payee_id, (
            SELECT head.id FROM registry_person head
            WHERE head.household_id = h.id AND head.relation = 'head' ORDER BY head.id LIMIT 1
        )) AS id
    ) payee
    LEFT JOIN LATERAL (
        SELECT ca.id, ca.collector_name, ca.kind, ca.valid_from, ca.valid_until
        FROM payments_collectionauthorization ca
        WHERE ca.payee_id = payee.id AND ca.revoked_at IS NULL AND ca.valid_from <= %(month)s
          AND (ca.valid_until IS NULL OR ca.valid_until >= %(month)s)
        ORDER BY ca.valid_from DESC, ca.id DESC LIMIT 1
    ) a ON true
    WHERE e.id BETWEEN %(first)s AND %(last)s AND e.id IN ({due}) AND payee.id IS NOT NULL
"""


def regular_lines_insert_sql(
    *,
    cycle_id: int,
    month: dt.date,
    entitlements: QuerySet[Entitlement],
    ids: tuple[int, int],
    now: dt.datetime,
) -> int:
    """Insert the regular line of each of these entitlements that has none for the month and
    somebody to pay; returns how many were new. Inside the caller's transaction.

    `ids` is the first and last id of the entitlements: said outright, it lets the planner read
    just that range of them by their key, not all of them once per chunk."""
    due, due_params = entitlements.values("pk").query.sql_with_params()
    # The due entitlements' own SQL, its positional parameters made named ones so that the
    # statement is one text with one set of parameters (a literal % stays escaped as it was).
    pieces = due.split("%s")
    named = {f"due_{i}": value for i, value in enumerate(due_params)}
    due_text = pieces[0] + "".join(
        f"%({name})s{piece}" for name, piece in zip(named, pieces[1:], strict=True)
    )
    columns = ", ".join(LINE_COLUMNS)
    values = {
        "cycle_id": "%(cycle)s",
        "kind": "%(kind)s",
        "entitlement_id": "f.id",
        "month": "%(month)s",
        "purpose_key": "''",
        "program": "f.program",
        "household_id": "f.household_id",
        "payee_id": "f.payee_id",
        "collector": "COALESCE(f.collector_name, '')",
        "authorization_id": "f.authorization_id",
        "region_code": "f.region_code",
        "amount_fen": "f.monthly_fen",
        "channel": "%(channel)s",
        "status": "%(status)s",
        "outcome": "''",
        "reason": "''",
        "frozen": "f.frozen",
        "frozen_hash": SEAL_SQL,
        "created_at": "%(now)s",
    }
    select = ", ".join(values[column] for column in LINE_COLUMNS)
    payable = PAYABLE_SQL.format(due=due_text)
    params: dict[str, Any] = {
        **named,
        "cycle": cycle_id,
        "kind": LineKind.REGULAR.value,
        "month": month,
        "month_text": month.isoformat(),
        "channel": Channel.BANK.value,
        "status": LineStatus.PENDING.value,
        "now": now,
        "first": ids[0],
        "last": ids[1],
    }
    with connection.cursor() as cursor:
        # The plan costs little to run but is estimated high enough for JIT compilation, which
        # took longer than the statement itself (80 ms a chunk).
        cursor.execute("SET LOCAL jit = off")
        # Only this module's fixed texts and Django's own SQL make the statement; values are
        # parameters.
        cursor.execute(
            f"INSERT INTO payments_paymentline ({columns}) "  # noqa: S608
            f"SELECT {select} FROM (SELECT p.*, {FROZEN_SQL} AS frozen FROM ({payable}) p) f "
            "ORDER BY f.id ON CONFLICT DO NOTHING",  # lines in the entitlements' order
            params,
        )
        return cursor.rowcount
