"""The PostgreSQL test run works as production does: migrations as the owner, tests as the app role.

bin/run-tests creates the role and sets HUIMIN_DB_APP_ROLE. The test database is created and
migrated by the login role (the owner); afterwards every connection assumes the application's role
(Django's `assume_role`), which owns nothing and may not change the audit tables. The scaffolding
that has to do owner's work — emptying the tables between transactional tests, tampering with the
chain in a test — goes back to the owner for just that (`as_owner`).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, connections

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
APP_ROLE = settings.HUIMIN_DB_APP_ROLE if ON_POSTGRES else ""
_PROTECTED = ("core_auditevent", "core_audithead")


def run_as_app_role() -> None:
    for each in connections.all():
        each.close()
        each.settings_dict.setdefault("OPTIONS", {})["assume_role"] = APP_ROLE


def run_as_owner() -> None:
    for each in connections.all():
        each.close()
        each.settings_dict.get("OPTIONS", {}).pop("assume_role", None)


@contextmanager
def as_owner() -> Iterator[None]:
    """Owner's privileges on the test's own connection (and transaction), then back."""
    with connection.cursor() as cursor:
        if APP_ROLE:
            cursor.execute("RESET ROLE")
        try:
            yield
        finally:
            if APP_ROLE:
                cursor.execute("SELECT set_config('role', %s, false)", [APP_ROLE])


def allow_test_flush() -> None:
    """Between transactional tests Django truncates every table: let it, as the owner, on PostgreSQL.

    The audit tables refuse TRUNCATE by trigger (their point); the flush switches those triggers off
    for its own statement, inside its own transaction, and back on.
    """
    if not ON_POSTGRES:
        return
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush
    if getattr(original, "huimin_allows_audit", False):
        return

    def sql_flush(self, style, tables, **options):  # type: ignore[no-untyped-def]
        statements = original(self, style, tables, **options)
        protected = [table for table in _PROTECTED if table in tables]
        if not statements or not protected:
            return statements
        before = ["RESET ROLE;"] if APP_ROLE else []
        before += [f"ALTER TABLE {table} DISABLE TRIGGER USER;" for table in protected]
        after = [f"ALTER TABLE {table} ENABLE TRIGGER USER;" for table in protected]
        if APP_ROLE:
            after.append(f"SET ROLE {self.quote_name(APP_ROLE)};")
        return [*before, *statements, *after]

    sql_flush.huimin_allows_audit = True  # type: ignore[attr-defined]
    DatabaseOperations.sql_flush = sql_flush  # type: ignore[method-assign]
