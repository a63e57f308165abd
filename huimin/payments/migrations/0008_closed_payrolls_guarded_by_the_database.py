"""A closed payroll cannot be changed behind the services' back: the database refuses it too.

Refused once a payroll is closed (`cycle_close`), on SQLite and PostgreSQL alike:
- UPDATE or DELETE of its `payments_payrollcycle` row (the UPDATE that closes it passes: the
  row was not closed before it);
- INSERT, UPDATE or DELETE of its lines, exceptions, bank files, return files, cash receipts and
  recovery instalments (a row whose payroll is closed before or after the change);
- UPDATE of a post-payment visit's draw (payroll, line, seed, who drew it and when) and DELETE of
  a visit. Visits are drawn and their findings recorded after closing: verification comes weeks
  after the money was paid, so INSERT and the finding's columns stay open.

PostgreSQL: statement triggers with transition tables, one per table and event (a trigger with
transition tables has one event and no column list): a statement costs one join of the rows it
changed with the payrolls, not a lookup per row — generation writes up to a million lines.
SQLite has no statement triggers: a row trigger whose WHEN reads the payroll's status by key.

TRUNCATE fires no DELETE trigger: it needs the TRUNCATE privilege, which the application's role
does not have (core/db_roles.py), so only the tables' owner can, who could drop the triggers too.
"""

from django.db import migrations

CLOSED = "closed"

# The tables that belong to a payroll and how each reaches it: by its own `cycle_id`, or by its
# line's.
BY_CYCLE = (
    "payments_paymentline",
    "payments_paymentexception",
    "payments_bankfile",
    "payments_returnfile",
)
BY_LINE = ("payments_cashreceipt", "payments_recoverydeduction")
VISITS = "payments_paymentvisit"
CYCLES = "payments_payrollcycle"
# A visit's draw: what may not change once its payroll is closed (the finding may).
VISIT_DRAW = ("id", "cycle_id", "line_id", "seed", "drawn_by_id", "drawn_at")


def trigger_name(table: str, event: str) -> str:
    return f"closed_payroll_{table.removeprefix('payments_')}_{event.lower()}"


# --- PostgreSQL -----------------------------------------------------------------------------

_REFUSE = f"""
    IF payroll IS NOT NULL THEN
        RAISE EXCEPTION 'payroll %% is {CLOSED}: %% of %% refused', payroll, TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation',
                  HINT = 'a closed payroll is the record of what was paid; nothing of it changes';
    END IF;
    RETURN NULL;
"""


def _rows_guard(name: str, key: str, closed_among: str) -> str:
    """A guard for the tables whose rows name their payroll (or their line) in `key`.

    The statement's distinct ids are gathered first (MATERIALIZED): without that, the planner,
    asked for the first closed payroll, walked the closed payrolls in order and scanned the
    transition table for each — 43 s for a million lines beside 300 closed payrolls."""
    touched = {
        "INSERT": f"SELECT DISTINCT {key} FROM new_rows",
        "DELETE": f"SELECT DISTINCT {key} FROM old_rows",
        "UPDATE": f"SELECT {key} FROM old_rows UNION SELECT {key} FROM new_rows",
    }
    branches = {
        event: f"WITH touched AS MATERIALIZED ({ids})\n        " + closed_among
        for event, ids in touched.items()
    }
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    payroll bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        {branches["INSERT"]}
    ELSIF TG_OP = 'DELETE' THEN
        {branches["DELETE"]}
    ELSE
        {branches["UPDATE"]}
    END IF;
{_REFUSE}
END
$$;
"""


POSTGRES_FUNCTIONS = (
    f"""
CREATE OR REPLACE FUNCTION huimin_closed_payroll_cycles_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    payroll bigint;
BEGIN
    SELECT min(id) INTO payroll FROM old_rows WHERE status = '{CLOSED}';
{_REFUSE}
END
$$;
"""
    + _rows_guard(
        "huimin_closed_payroll_rows_guard",
        "cycle_id",
        f"""SELECT min(c.id) INTO payroll FROM touched t
          JOIN payments_payrollcycle c ON c.id = t.cycle_id
         WHERE c.status = '{CLOSED}';""",
    )
    + _rows_guard(
        "huimin_closed_payroll_line_rows_guard",
        "line_id",
        f"""SELECT min(c.id) INTO payroll FROM touched t
          JOIN payments_paymentline l ON l.id = t.line_id
          JOIN payments_payrollcycle c ON c.id = l.cycle_id
         WHERE c.status = '{CLOSED}';""",
    )
    + f"""
CREATE OR REPLACE FUNCTION huimin_closed_payroll_visits_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    payroll bigint;
BEGIN
    -- Only the draw is refused: the finding of a visit of a closed payroll may be recorded.
    WITH redrawn AS MATERIALIZED (
        SELECT o.cycle_id AS was, n.cycle_id AS now
          FROM old_rows o FULL JOIN new_rows n ON n.id = o.id
         WHERE ({", ".join(f"o.{c}" for c in VISIT_DRAW)})
               IS DISTINCT FROM ({", ".join(f"n.{c}" for c in VISIT_DRAW)})
    )
    SELECT min(c.id) INTO payroll FROM payments_payrollcycle c
     WHERE c.status = '{CLOSED}'
       AND c.id IN (SELECT was FROM redrawn UNION SELECT now FROM redrawn);
{_REFUSE}
END
$$;
"""
)

FUNCTIONS = (
    f"""
CREATE OR REPLACE FUNCTION huimin_closed_payroll_cycles_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    payroll bigint;
BEGIN
    SELECT id INTO payroll FROM old_rows WHERE status = '{CLOSED}' ORDER BY id LIMIT 1;
{_REFUSE}
END
$$;
"""
    + _rows_guard(
        "huimin_closed_payroll_rows_guard",
        "cycle_id",
        f"""SELECT c.id INTO payroll FROM payments_payrollcycle c
         WHERE c.status = '{CLOSED}' AND c.id IN ({{ids}})
         ORDER BY c.id LIMIT 1;""",
    )
    + _rows_guard(
        "huimin_closed_payroll_line_rows_guard",
        "line_id",
        f"""SELECT c.id INTO payroll FROM payments_paymentline l
          JOIN payments_payrollcycle c ON c.id = l.cycle_id
         WHERE c.status = '{CLOSED}' AND l.id IN ({{ids}})
         ORDER BY c.id LIMIT 1;""",
    )
    + f"""
CREATE OR REPLACE FUNCTION huimin_closed_payroll_visits_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    payroll bigint;
BEGIN
    -- Only the draw is refused: the finding of a visit of a closed payroll may be recorded.
    SELECT c.id INTO payroll
      FROM old_rows o FULL JOIN new_rows n ON n.id = o.id
      JOIN payments_payrollcycle c ON c.id = o.cycle_id OR c.id = n.cycle_id
     WHERE c.status = '{CLOSED}'
       AND ({", ".join(f"o.{c}" for c in VISIT_DRAW)})
           IS DISTINCT FROM ({", ".join(f"n.{c}" for c in VISIT_DRAW)})
     ORDER BY c.id LIMIT 1;
{_REFUSE}
END
$$;
"""
)

FUNCTIONS = (
    "huimin_closed_payroll_cycles_guard",
    "huimin_closed_payroll_rows_guard",
    "huimin_closed_payroll_line_rows_guard",
    "huimin_closed_payroll_visits_guard",
)
EVENTS = ("INSERT", "UPDATE", "DELETE")


def _postgres_trigger(table: str, event: str, function: str) -> str:
    transition = {
        "INSERT": "NEW TABLE AS new_rows",
        "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "DELETE": "OLD TABLE AS old_rows",
    }[event]
    return (
        f"CREATE TRIGGER {trigger_name(table, event)} AFTER {event} ON {table} "
        f"REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
    )


def postgres_triggers() -> list[tuple[str, str, str]]:
    """(table, event, function) of every guard on PostgreSQL."""
    made = [(CYCLES, e, "huimin_closed_payroll_cycles_guard") for e in ("UPDATE", "DELETE")]
    made += [(t, e, "huimin_closed_payroll_rows_guard") for t in BY_CYCLE for e in EVENTS]
    made += [(t, e, "huimin_closed_payroll_line_rows_guard") for t in BY_LINE for e in EVENTS]
    made.append((VISITS, "UPDATE", "huimin_closed_payroll_visits_guard"))
    made.append((VISITS, "DELETE", "huimin_closed_payroll_rows_guard"))
    return made


# --- SQLite ---------------------------------------------------------------------------------


def _sqlite_closed(cycle_of: str) -> str:
    return f"(SELECT status FROM payments_payrollcycle WHERE id = {cycle_of}) = '{CLOSED}'"


def _sqlite_closed_by_line(line_of: str) -> str:
    return (
        "(SELECT c.status FROM payments_paymentline l JOIN payments_payrollcycle c "
        f"ON c.id = l.cycle_id WHERE l.id = {line_of}) = '{CLOSED}'"
    )


def _sqlite_trigger(table: str, event: str, when: str) -> str:
    # SQLite's RAISE takes a literal only: the message names the table, not the payroll's id.
    return (
        f"CREATE TRIGGER {trigger_name(table, event)} BEFORE {event} ON {table} "
        f"FOR EACH ROW WHEN {when} BEGIN "
        f"SELECT RAISE(ABORT, 'the payroll is {CLOSED}: {event} of {table} refused'); END;"
    )


def sqlite_triggers() -> list[str]:
    made = [_sqlite_trigger(CYCLES, e, f"OLD.status = '{CLOSED}'") for e in ("UPDATE", "DELETE")]
    for table in (*BY_CYCLE, *BY_LINE):
        by_cycle = table in BY_CYCLE
        closed = _sqlite_closed if by_cycle else _sqlite_closed_by_line
        key = "cycle_id" if by_cycle else "line_id"
        made += [
            _sqlite_trigger(table, "INSERT", closed(f"NEW.{key}")),
            _sqlite_trigger(table, "UPDATE", f"{closed(f'OLD.{key}')} OR {closed(f'NEW.{key}')}"),
            _sqlite_trigger(table, "DELETE", closed(f"OLD.{key}")),
        ]
    draw_changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in VISIT_DRAW)
    made += [
        _sqlite_trigger(
            VISITS,
            "UPDATE",
            f"({_sqlite_closed('OLD.cycle_id')} OR {_sqlite_closed('NEW.cycle_id')}) "
            f"AND ({draw_changed})",
        ),
        _sqlite_trigger(VISITS, "DELETE", _sqlite_closed("OLD.cycle_id")),
    ]
    return made


def guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTIONS)
        for table, event, function in postgres_triggers():
            schema_editor.execute(_postgres_trigger(table, event, function))
    elif vendor == "sqlite":
        for statement in sqlite_triggers():
            schema_editor.execute(statement)


def unguard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        return
    # The same tables and events are guarded on both databases.
    for table, event, _function in postgres_triggers():
        on_table = f" ON {table}" if vendor == "postgresql" else ""
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger_name(table, event)}{on_table}")
    if vendor == "postgresql":
        for function in FUNCTIONS:
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}()")


class Migration(migrations.Migration):
    dependencies = [("payments", "0007_arrears_and_recoveries")]

    operations = [migrations.RunPython(guard, unguard)]
