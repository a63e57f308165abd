"""Rows picked by a long list of ids — a bank return names up to a million lines.

On PostgreSQL the ids go as one array parameter (`IN (SELECT unnest(…))`); a list of a million
placeholders would cost more to bind than the update costs to run. SQLite takes them in batches
of placeholders, within its limit of variables per statement.
"""

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

SQLITE_BATCH = 2_000


def update_by_ids(queryset: QuerySet[Any], ids: Sequence[int], **fields: Any) -> int:
    """`queryset.filter(pk__in=ids).update(**fields)` for any number of ids; how many changed."""
    if not ids:
        return 0
    if connection.vendor == "postgresql":
        array = RawSQL("SELECT unnest(%s::bigint[])", [list(ids)])
        return queryset.filter(pk__in=array).update(**fields)
    return sum(
        queryset.filter(pk__in=ids[start : start + SQLITE_BATCH]).update(**fields)
        for start in range(0, len(ids), SQLITE_BATCH)
    )
