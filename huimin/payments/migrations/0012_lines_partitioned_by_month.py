"""Payment lines partitioned by month on PostgreSQL, so that years of history do not slow this
month's payroll: each month's lines are their own table, with indexes as small as the month.

A partitioned table's primary and unique keys must include the month, and Django has no
composite foreign keys, so on PostgreSQL the database states in its own terms what the models
say (the models, and SQLite, are unchanged):
- primary key (id, month); Django keeps `id` as the key, and the identity sequence keeps it
  unique;
- one reissue per failed line: UNIQUE (reissue_of_id, month) and a foreign key (reissue_of_id,
  month) to (id, month), since a reissue pays its line's month;
- one one-off line per person and purpose: UNIQUE (payee_id, purpose_key, month) within a
  month, and across months the person's claim for the purpose (`PurposeClaim`, 0011), which a
  trigger requires of every one-off line;
- the four tables that point at a line (exceptions, cash receipts, visits, recovery
  instalments) carry the line's month as well, `line_month` (filled by a trigger when the
  writer leaves it out), under a foreign key on (line_id, line_month).

A month's partition is made with its payroll (`huimin_payment_lines_partition`, run with the
owner's rights: the application's role creates no tables), and a payroll refreshes the
statistics of its month's partition alone (`huimin_payment_lines_analyze(month)`). Lines of a month that has none, such
as arrears of a month before the first payroll, go to the DEFAULT partition. The closed-payroll
triggers of 0008 are made again on the partitioned table.
"""

from django.db import migrations
from django.db.migrations.exceptions import IrreversibleError

TABLE = "payments_paymentline"
OLD = "payments_paymentline_unpartitioned"
DEFAULT = "payments_paymentline_default"
# Unique keys without the month: replaced below.
DROPPED_INDEXES = ("line_one_per_person_purpose",)

PARTITION_FUNCTION = f"""
CREATE OR REPLACE FUNCTION huimin_payment_lines_partition(day date) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    first_day date := date_trunc('month', day)::date;
    next_first_day date := (date_trunc('month', day) + interval '1 month')::date;
    name text := '{TABLE}_' || to_char(day, 'YYYY_MM');
    -- The lines' own schema: pg_catalog comes first on this function's search path.
    home text := (SELECT relnamespace::regnamespace::text FROM pg_class
                  WHERE oid = '{TABLE}'::regclass);
    granted record;
BEGIN
    IF to_regclass(name) IS NOT NULL THEN
        RETURN name;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('huimin_payment_lines_partition'));
    IF to_regclass(name) IS NOT NULL THEN
        RETURN name;
    END IF;
    -- Lines of the month already in the default partition stay there: a partition for the
    -- month could not be attached over them.
    IF EXISTS (SELECT FROM {DEFAULT} WHERE month >= first_day AND month < next_first_day) THEN
        RETURN '{DEFAULT}';
    END IF;
    EXECUTE format(
        'CREATE TABLE %I.%I PARTITION OF %I.{TABLE} FOR VALUES FROM (%L) TO (%L) '
        'WITH (fillfactor = 50)',
        home, name, home, first_day, next_first_day
    );
    -- Whoever may read or write the lines through the parent may do so in the month's table.
    FOR granted IN
        SELECT a.privilege_type, a.grantee::regrole::text AS grantee
        FROM pg_class c, aclexplode(c.relacl) a
        WHERE c.oid = '{TABLE}'::regclass AND a.grantee <> 0 AND a.grantee <> c.relowner
    LOOP
        EXECUTE format('GRANT %s ON %I.%I TO %s', granted.privilege_type, home, name,
                       granted.grantee);
    END LOOP;
    RETURN name;
END
$$;
"""

# One month's statistics: ANALYZE of the partitioned table would sample every month there is.
ANALYZE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION huimin_payment_lines_analyze(day date) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    EXECUTE format(
        'ANALYZE %I',
        coalesce(to_regclass('{TABLE}_' || to_char(day, 'YYYY_MM'))::text, '{DEFAULT}')
    );
END
$$;
"""

LINE_MONTH_FUNCTION = f"""
CREATE OR REPLACE FUNCTION huimin_line_month_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' OR NEW.line_month IS NULL THEN
        NEW.line_month := (SELECT month FROM {TABLE} WHERE id = NEW.line_id);
    END IF;
    RETURN NEW;
END
$$;
"""

CLAIMED_FUNCTION = """
CREATE OR REPLACE FUNCTION huimin_one_off_lines_claimed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    unclaimed record;
BEGIN
    SELECT n.id, n.payee_id, n.purpose_key INTO unclaimed
    FROM new_rows n
    WHERE n.kind = 'one_off' AND NOT EXISTS (
        SELECT FROM payments_purposeclaim c
        JOIN payments_payrollcycle y ON y.id = c.cycle_id
        WHERE c.payee_id = n.payee_id AND c.purpose_key = n.purpose_key
          AND c.cycle_id = n.cycle_id AND y.month = n.month
    )
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'one-off line % pays person % for "%" without the claim of its payroll',
            unclaimed.id, unclaimed.payee_id, unclaimed.purpose_key
            USING ERRCODE = 'unique_violation';
    END IF;
    RETURN NULL;
END
$$;
"""


def _rows(cursor, sql: str, params: tuple = ()) -> list[tuple]:
    cursor.execute(sql, params)
    return cursor.fetchall()


def _what_the_table_has(cursor) -> dict[str, list]:
    """The indexes, foreign keys and triggers of the plain table, read before it goes."""
    key_indexes = {
        name
        for (name,) in _rows(
            cursor,
            "SELECT conindid::regclass::text FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('p', 'u')",
            (TABLE,),
        )
    }
    indexes = _rows(
        cursor,
        "SELECT indexname, indexdef FROM pg_indexes "
        "WHERE schemaname = current_schema() AND tablename = %s ORDER BY indexname",
        (TABLE,),
    )
    return {
        "indexes": [
            definition
            for name, definition in indexes
            if name not in key_indexes and name not in DROPPED_INDEXES
        ],
        "outgoing": _rows(
            cursor,
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' AND confrelid <> conrelid "
            "ORDER BY conname",
            (TABLE,),
        ),
        "incoming": _rows(
            cursor,
            "SELECT conrelid::regclass::text, conname FROM pg_constraint "
            "WHERE confrelid = %s::regclass AND contype = 'f' AND conrelid <> confrelid "
            "ORDER BY 1, 2",
            (TABLE,),
        ),
        "triggers": [
            definition
            for (definition,) in _rows(
                cursor,
                "SELECT pg_get_triggerdef(oid) FROM pg_trigger "
                "WHERE tgrelid = %s::regclass AND NOT tgisinternal ORDER BY tgname",
                (TABLE,),
            )
        ],
        "months": [
            month
            for (month,) in _rows(
                cursor, f"SELECT DISTINCT date_trunc('month', month)::date FROM {TABLE} ORDER BY 1"
            )
        ],
    }


def _refer_by_month(execute, table: str, constraint: str) -> None:
    """A table pointing at a line: the line's month beside its id, and the key on both."""
    execute(f"ALTER TABLE {table} ADD COLUMN line_month date")
    # Rows of closed payrolls too: the guards of 0008 are off for this one statement.
    execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    execute(f"UPDATE {table} t SET line_month = l.month FROM {TABLE} l WHERE l.id = t.line_id")
    execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    execute(
        f"ALTER TABLE {table} ADD CONSTRAINT {table}_line_month_known "
        "CHECK ((line_id IS NULL) = (line_month IS NULL))"
    )
    execute(
        f"CREATE TRIGGER {table}_line_month BEFORE INSERT OR UPDATE OF line_id ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION huimin_line_month_fill()"
    )
    execute(
        f"ALTER TABLE {table} ADD CONSTRAINT {constraint} FOREIGN KEY (line_id, line_month) "
        f"REFERENCES {TABLE} (id, month) DEFERRABLE INITIALLY DEFERRED"
    )


def partition(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    cursor = schema_editor.connection.cursor()
    execute = cursor.execute  # not the schema editor's: the functions' format() has % in it
    has = _what_the_table_has(cursor)
    (sequence,) = _rows(cursor, "SELECT pg_get_serial_sequence(%s, 'id')", (TABLE,))[0]
    for table, constraint in has["incoming"]:
        execute(f"ALTER TABLE {table} DROP CONSTRAINT {constraint}")
    execute(f"ALTER TABLE {TABLE} RENAME TO {OLD}")
    execute(
        f"CREATE TABLE {TABLE} (LIKE {OLD} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
        "INCLUDING IDENTITY INCLUDING STORAGE INCLUDING COMPRESSION) PARTITION BY RANGE (month)"
    )
    execute(f"CREATE TABLE {DEFAULT} PARTITION OF {TABLE} DEFAULT WITH (fillfactor = 50)")
    execute(PARTITION_FUNCTION)
    execute(ANALYZE_FUNCTION)
    for month in has["months"]:
        execute("SELECT huimin_payment_lines_partition(%s)", (month,))
    execute(f"INSERT INTO {TABLE} SELECT * FROM {OLD}")
    execute(
        f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), last_value, is_called) "
        f"FROM {sequence}"
    )
    execute(f"DROP TABLE {OLD}")
    (made,) = _rows(cursor, "SELECT pg_get_serial_sequence(%s, 'id')", (TABLE,))[0]
    execute(f"ALTER SEQUENCE {made} RENAME TO {sequence.split('.')[-1]}")
    execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY (id, month)")
    for definition in has["indexes"]:
        execute(definition)
    execute(
        f"ALTER TABLE {TABLE} ADD CONSTRAINT line_one_reissue_per_line UNIQUE (reissue_of_id, month)"
    )
    execute(
        f"ALTER TABLE {TABLE} ADD CONSTRAINT line_reissue_of_line FOREIGN KEY (reissue_of_id, month) "
        f"REFERENCES {TABLE} (id, month) DEFERRABLE INITIALLY DEFERRED"
    )
    execute(
        f"CREATE UNIQUE INDEX line_one_per_person_purpose_month ON {TABLE} "
        "(payee_id, purpose_key, month) WHERE kind = 'one_off'"
    )
    for constraint, definition in has["outgoing"]:
        execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {constraint} {definition}")
    for definition in has["triggers"]:
        execute(definition)
    execute(CLAIMED_FUNCTION)
    execute(
        f"CREATE TRIGGER {TABLE}_one_off_claimed AFTER INSERT ON {TABLE} "
        "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
        "EXECUTE FUNCTION huimin_one_off_lines_claimed()"
    )
    execute(LINE_MONTH_FUNCTION)
    for table, constraint in has["incoming"]:
        _refer_by_month(execute, table, constraint)


def unpartition(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        raise IrreversibleError(
            "The payment lines stay partitioned by month: going back would rebuild the table "
            "and every key that points at it; restore a backup from before 0012 instead."
        )


class Migration(migrations.Migration):
    dependencies = [("payments", "0011_one_off_purpose_claims")]

    operations = [migrations.RunPython(partition, unpartition)]
