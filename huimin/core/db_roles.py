"""PostgreSQL: the application's role may read and write its tables, but never rewrite the audit.

Migrations run as the owner of the tables; the application connects as HUIMIN_DB_APP_ROLE, which
owns nothing. After every migrate that role is granted what the application needs on every table
(new tables included) and, on the audit tables, only what appending needs: no UPDATE, DELETE or
TRUNCATE of events, no DELETE or TRUNCATE of the head. Only the owner could change that.
"""

from django.conf import settings
from django.db import connections

AUDIT_EVENTS = "core_auditevent"
AUDIT_HEAD = "core_audithead"


def grant_app_role(*, using: str = "default") -> None:
    role = settings.HUIMIN_DB_APP_ROLE
    connection = connections[using]
    if not role or connection.vendor != "postgresql":
        return
    name = connection.ops.quote_name(role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            raise RuntimeError(f"HUIMIN_DB_APP_ROLE names the role {role!r}, which does not exist")
        for statement in (
            f"GRANT USAGE ON SCHEMA public TO {name}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {name}",
            f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {name}",
            f"REVOKE UPDATE, DELETE, TRUNCATE ON {AUDIT_EVENTS} FROM {name}",
            f"REVOKE DELETE, TRUNCATE ON {AUDIT_HEAD} FROM {name}",
        ):
            cursor.execute(statement)


def grant_app_role_after_migrate(sender, using: str = "default", **kwargs) -> None:  # type: ignore[no-untyped-def]
    # post_migrate is sent once per app after all migrations ran; core's is enough.
    if sender.label == "core":
        grant_app_role(using=using)
