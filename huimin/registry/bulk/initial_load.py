"""A large load into an empty registry: build the indexes and check the foreign keys once, at the end.

COPY into a table updates every index row by row, and every deferred foreign key queues one check
per row that runs at commit. Into empty tables it is several times cheaper to drop the tables'
secondary indexes, unique constraints and foreign keys, COPY, and create them again: CREATE INDEX
sorts once, and ADD FOREIGN KEY checks all rows with one join. Nothing goes unchecked: the unique
indexes are built and every foreign key is validated over all rows before the caller's transaction
commits, and a violation fails the whole load, as before. It is all DDL inside that transaction,
so any failure rolls the definitions back with the rows; they are the database's own definitions
(read from the catalog), so the schema cannot drift from the migrations.

Only on PostgreSQL, inside a transaction, for at least MIN_ROWS rows, as the tables' owner, and only
when every table is empty once locked. The tables stay locked ACCESS EXCLUSIVE until commit, and re-adding the
snapshot's foreign key to the user table holds a SHARE ROW EXCLUSIVE lock on that table for the
last moments of the transaction.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction

MIN_ROWS = 50_000  # below this, keeping the indexes up to date costs less than rebuilding them
MAINTENANCE_WORK_MEM = "512MB"  # for the index builds (sorts), this transaction only


@dataclass
class Definitions:
    indexes: list[tuple[str, str]]  # (index name, CREATE INDEX statement)
    uniques: list[tuple[str, str, str]]  # (table, constraint name, definition)
    foreign_keys: list[tuple[str, str, str]]  # (table, constraint name, definition)


@contextmanager
def rebuilding_indexes(tables: Sequence[str], *, rows: int) -> Iterator[bool]:
    """Yield True if the tables were emptied of indexes and foreign keys to be rebuilt on exit."""
    if (
        connection.vendor != "postgresql"
        or not connection.in_atomic_block
        or rows < MIN_ROWS
        or not _owned(tables)
        or not _empty(tables)
    ):
        yield False
        return
    with connection.cursor() as cursor:
        # Lock before looking again: a load that started meanwhile must not be overtaken.
        cursor.execute(f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE")
    if not _empty(tables):
        yield False
        return
    definitions = _definitions(tables)
    _drop(definitions)
    try:
        yield True
    except BaseException:
        # Never let a caller that catches the error commit the tables without their indexes.
        transaction.set_rollback(True)
        raise
    _create(definitions)


def _owned(tables: Sequence[str]) -> bool:
    # Dropping and adding indexes is the owner's right. The application's role (README: two
    # roles) owns nothing, so its loads take the ordinary path; an owner's initial load is fast.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) = %s AND bool_and(pg_has_role(current_user, tableowner, 'USAGE'))"
            " FROM pg_tables WHERE schemaname = current_schema() AND tablename = ANY(%s)",
            [len(tables), list(tables)],
        )
        return bool(cursor.fetchone()[0])


def _empty(tables: Sequence[str]) -> bool:
    checks = " AND ".join(f"NOT EXISTS (SELECT 1 FROM {table})" for table in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {checks}")
        return bool(cursor.fetchone()[0])


def _definitions(tables: Sequence[str]) -> Definitions:
    with connection.cursor() as cursor:
        # Indexes that back no constraint, the primary keys apart (other tables refer to them).
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
              AND NOT EXISTS (
                SELECT 1 FROM pg_constraint c
                WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
            ORDER BY 1
            """,
            [list(tables)],
        )
        indexes = cursor.fetchall()
        # Unique constraints no foreign key refers to, and the tables' own foreign keys.
        cursor.execute(
            """
            SELECT c.contype, c.conrelid::regclass::text, quote_ident(c.conname),
                   pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            WHERE c.conrelid = ANY(%s::regclass[])
              AND (c.contype = 'f' OR c.contype = 'u' AND NOT EXISTS (
                SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid))
            ORDER BY 2, 3
            """,
            [list(tables)],
        )
        constraints = cursor.fetchall()
    return Definitions(
        indexes=indexes,
        uniques=[(t, name, d) for kind, t, name, d in constraints if kind == "u"],
        foreign_keys=[(t, name, d) for kind, t, name, d in constraints if kind == "f"],
    )


def _drop(definitions: Definitions) -> None:
    with connection.cursor() as cursor:
        for table, name, _definition in [*definitions.foreign_keys, *definitions.uniques]:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for name, _statement in definitions.indexes:
            cursor.execute(f"DROP INDEX {name}")


def _create(definitions: Definitions) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
        for _name, statement in definitions.indexes:
            cursor.execute(statement)
        for table, name, definition in [*definitions.uniques, *definitions.foreign_keys]:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
