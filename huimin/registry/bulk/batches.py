"""How many values one `__in` lookup of a bulk step may carry.

SQLite refuses a statement with more variables than its limit (999 before 3.32, 32766 after) and
PostgreSQL slows down on huge lists, so every lookup by a list of keys goes through `batched`.
The size is read at each call, so a test can lower it and exercise the same path on a small file.
"""

from collections.abc import Iterator, Sequence
from typing import TypeVar

from django.db import connection

T = TypeVar("T")

LOOKUP_BATCH = 900  # below SQLite's oldest limit, with room for a few other parameters


def batched(values: Sequence[T]) -> Iterator[list[T]]:
    size = LOOKUP_BATCH
    for start in range(0, len(values), size):
        yield list(values[start : start + size])


def bulk_update_batch(fields: int) -> int:
    """Objects per `bulk_update` statement that stay within the database's variable limit.

    Each object costs two variables per field (`CASE WHEN id = ? THEN ?`) and one in the `IN`
    list; Django's own batch size counts one per field, which a long field list overruns.
    """
    limit = connection.features.max_query_params
    if not limit:
        return 2000
    return max(1, limit // (2 * fields + 1))
