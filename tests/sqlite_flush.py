"""Between transactional tests Django empties every table; on SQLite, with DELETE: let it.

The closed-payroll guards (payments migration 0008) refuse DELETE of a closed payroll's rows. On
PostgreSQL the flush truncates, which fires no DELETE trigger; on SQLite it deletes, which would be
refused. The flush drops those triggers inside its own transaction (SQLite rolls DDL back with
it) and creates them again, as they were, from their own text in `sqlite_master`.
"""

from django.db import connections

GUARDS = (
    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'closed_payroll_%'"
)


def allow_test_flush() -> None:
    if not any(each.vendor == "sqlite" for each in connections.all()):
        return
    from django.db.backends.sqlite3.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush
    if getattr(original, "huimin_allows_closed_payrolls", False):
        return

    def sql_flush(self, style, tables, **options):  # type: ignore[no-untyped-def]
        statements = original(self, style, tables, **options)
        if not statements:
            return statements
        with self.connection.cursor() as cursor:
            cursor.execute(GUARDS)
            guards = cursor.fetchall()
        drop = [f"DROP TRIGGER {name};" for name, _sql in guards]
        create = [f"{sql};" for _name, sql in guards]
        return [*drop, *statements, *create]

    sql_flush.huimin_allows_closed_payrolls = True  # type: ignore[attr-defined]
    DatabaseOperations.sql_flush = sql_flush  # type: ignore[method-assign]
