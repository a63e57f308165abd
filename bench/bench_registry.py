"""Registry benchmarks: generate a population, import a CSV of it, and compare with a plain COPY.

    .venv/bin/python bench/bench_registry.py [--persons 1000000]

DATABASE_URL picks the PostgreSQL database (default postgres://postgres@127.0.0.1:5432/huimin_bench).
It is dropped and created afresh on every run, so its schema is exactly what the migrations make
today (a database migrated once and kept would keep the indexes of an edited migration); its name
must contain "bench". Figures are merged into bench/results.json under "registry".

Both the generation and the import write into an empty registry, so the loader takes its initial-load
path (huimin/registry/bulk/initial_load.py): secondary indexes, unique constraints and foreign keys
are dropped, the rows COPY'd, and all of them created and validated again in the same transaction.

Baseline (the floor): after the import, the rows it wrote (already validated, encrypted and
indexed) are read back with COPY TO and loaded the way an initial load of those exact rows is done:
COPY FROM into fresh tables made LIKE the registry's with no index at all (not even the primary key),
under the same TOAST compression as the import (LZ4 where the server has it) and the same
maintenance_work_mem; then every index, primary key and unique constraint of the registry's tables
is built, and every foreign key added and validated, on the fresh tables. The import's ratio to
that floor is what reading, validation, the blind-index lookups, encryption and snapshots cost on
top of only putting the rows in the database.

--smoke runs the same steps on a small population and writes no figures to bench/results.json:
CI runs it (`make bench-smoke`) so that a benchmark broken by a change fails CI.
"""

import argparse
import io
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/huimin_bench"
TABLES = (
    "registry_household",
    "registry_person",
    "registry_membership",
    "registry_incomerecord",
    "registry_asset",
    "registry_householdsnapshot",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--smoke", action="store_true", help="prove it runs; figures are printed, not recorded"
    )
    args = parser.parse_args()
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("HUIMIN_ENV", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huimin.settings_test")
    sys.path.insert(0, str(ROOT))
    _create_database(url)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_regions", verbosity=0, stdout=io.StringIO())
    figures = run(args.persons, args.seed)
    if not args.smoke:
        _merge(figures)
    print(json.dumps(figures, indent=2, ensure_ascii=False))


def _create_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    if "bench" not in name:
        sys.exit(
            f"refusing to drop and recreate {name!r}: the benchmark database's name has 'bench'"
        )
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def run(persons: int, seed: int) -> dict:
    from huimin.registry import synthetic
    from huimin.registry.bulk.services import registry_generate

    figures: dict = {"persons": persons, "database": "postgresql"}
    _empty_registry()

    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        registry_generate(region="5329", persons=persons, seed=seed, parquet=Path(scratch))
        figures["generate_parquet_seconds"] = round(time.perf_counter() - started, 2)

    started = time.perf_counter()
    generated = registry_generate(region="5329", persons=persons, seed=seed)
    figures["generate_postgresql_seconds"] = round(time.perf_counter() - started, 2)
    figures["generated"] = generated.counts
    _empty_registry()

    villages = _villages("5329")
    population = synthetic.generate(villages, persons=persons, seed=seed + 1)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "import.csv"
        started = time.perf_counter()
        import_csv(population, path)
        figures["write_import_csv_seconds"] = round(time.perf_counter() - started, 2)
        figures["import_csv_megabytes"] = round(path.stat().st_size / 1e6, 1)
        figures.update(_import(path))
    figures.update(_copy_baseline())
    figures["import_to_initial_load_ratio"] = round(
        figures["import_seconds"] / figures["initial_load_seconds"], 2
    )
    figures["baseline"] = (
        "initial load of the rows the import wrote (read back with COPY TO, already encrypted): "
        "COPY FROM into fresh tables LIKE the registry's with no index (no primary key either), "
        "the import's TOAST compression and maintenance_work_mem, then every index, primary key "
        "and unique constraint built and every foreign key added and validated; all six tables "
        "the import writes. initial_load_seconds = copy + indexes + foreign keys"
    )
    return figures


def _villages(prefix: str) -> list[str]:
    from huimin.core.models import Region

    return sorted(
        Region.objects.filter(level="village", code__startswith=prefix).values_list(
            "code", flat=True
        )
    )


def _empty_registry() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")


def import_csv(population, path: Path) -> None:  # type: ignore[no-untyped-def]
    """The population as an import file: the template's columns, one row per person."""
    import polars as pl

    from huimin.registry.bulk.columns import COLUMNS, INCOME_COLUMNS
    from huimin.registry.bulk.population import SELF_CARE

    h = population.households.with_row_index("household_idx")
    p = population.persons.with_row_index("person_idx")
    open_incomes = (
        population.incomes.filter(pl.col("valid_to").is_null())
        .group_by("person_idx", "income_type")
        .agg(pl.col("monthly_fen").sum())
        .pivot(on="income_type", index="person_idx", values="monthly_fen")
    )

    def yuan(column: str) -> pl.Expr:
        fen = pl.col(column)
        return (
            pl.when(fen.is_null() | (fen == 0))
            .then(pl.lit(""))
            .otherwise(
                pl.concat_str(
                    (fen // 100).cast(pl.Utf8), pl.lit("."), (fen % 100).cast(pl.Utf8).str.zfill(2)
                )
            )
        )

    rows = (
        p.join(h, on="household_idx", how="left")
        .join(open_incomes, on="person_idx", how="left")
        .with_columns(payee=pl.col("person_idx") == pl.col("payee_person_idx"))
    )
    text = {
        "household_no": pl.col("household_no"),
        "village_code": pl.col("region_code"),
        "address": pl.col("address_zh"),
        "residence_type": pl.col("residence_type"),
        "relation": pl.col("relation"),
        "name": pl.col("name_zh"),
        "id_number": pl.col("id_number"),
        "sex": pl.col("sex"),
        "birth_date": pl.col("birth_date").cast(pl.Utf8),
        "ethnicity": pl.col("ethnicity"),
        "disability_category": pl.col("disability_category").cast(pl.Utf8),
        "disability_grade": pl.col("disability_grade").cast(pl.Utf8),
        **{key: pl.col(source).cast(pl.Utf8) for key, source in SELF_CARE.items()},
        **{
            key: pl.col(key).cast(pl.Utf8)
            for key in (
                "serious_illness",
                "able_to_work",
                "student",
                "special_care_category",
                "counted_in_family",
                "father_status",
                "mother_status",
                "legal_supporter_able",
                "in_institution",
                "payee",
            )
        },
        "special_care_grade": pl.col("special_care_grade").cast(pl.Utf8),
        "not_counted_reason": pl.col("not_counted_reason").replace({"clergy": "clergy_away"}),
        # The generator draws parents' situations as long-standing (population.py): no start date.
        "father_status_since": pl.lit(""),
        "mother_status_since": pl.lit(""),
        "death_date": pl.col("death_date").cast(pl.Utf8),
        **{
            key: (yuan(kind) if kind in open_incomes.columns else pl.lit(""))
            for key, kind in INCOME_COLUMNS.items()
        },
        "bank_name": pl.col("bank_name_zh"),
        "bank_account": pl.col("bank_card_no"),
        "phone": pl.col("phone"),
        "deposits": yuan("deposits_fen"),
        "securities": yuan("securities_fen"),
        "debt_owed": yuan("debts_owed_to_family_fen"),
        "vehicle_value": yuan("vehicle_value_fen"),
        "disability_vehicle": pl.lit(""),
        "homes": pl.col("home_count").cast(pl.Utf8),
        "commercial_properties": pl.col("commercial_property_count").cast(pl.Utf8),
    }
    missing = [c.key for c in COLUMNS if c.key not in text]
    if missing:
        raise SystemExit(f"the benchmark's import file has no value for the columns {missing}")
    frame = rows.select(text[c.key].fill_null("").alias(c.key) for c in COLUMNS)
    frame.write_csv(path)


def _import(path: Path) -> dict:
    from huimin.core.models import Region, User
    from huimin.core.roles import CASEWORKER, sync_roles
    from huimin.core.services import user_create
    from huimin.registry.bulk.services import registry_import_run

    sync_roles()
    user = User.objects.filter(username="bench").first() or user_create(
        actor=None,
        username="bench",
        password="bench-only-password-1",  # noqa: S106
        roles=[CASEWORKER],
        region_codes=[Region.objects.get(code="5329").code],
    )
    started = time.perf_counter()
    stages: dict[str, float] = {}

    def progress(done: int, total: int, message: str) -> None:
        stages[message] = round(time.perf_counter() - started, 2)

    outcome = registry_import_run(
        user=user, path=path, file_name=path.name, mode="all", progress=progress
    )
    seconds = round(time.perf_counter() - started, 2)
    return {
        "import_seconds": seconds,
        "import_stage_marks_seconds": stages,
        "import_rows": outcome.counts["rows"],
        "import_errors": outcome.counts["errors"],
        "import_written": outcome.written,
    }


def _copy_baseline() -> dict:
    """The floor: the import's rows loaded into index-free copies of its tables, indexes after."""
    from django.db import connection, transaction

    from huimin.registry.bulk.initial_load import MAINTENANCE_WORK_MEM
    from huimin.registry.bulk.loader import _prefer_lz4

    copy: dict[str, float] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        dumps = {table: _dump(cursor, table) for table in TABLES}
        indexes, primary_keys, foreign_keys = _definitions(cursor)
        _prefer_lz4()  # the import's compression for the snapshots' JSON
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
        for table in TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS bench_{table}")
            # LIKE without INCLUDING INDEXES: columns, NOT NULL, defaults and checks only.
            cursor.execute(
                f"CREATE TABLE bench_{table} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
            )
        for table in TABLES:
            started = time.perf_counter()
            with cursor.cursor.copy(f"COPY bench_{table} FROM STDIN") as load:  # noqa: S608
                load.write(dumps[table])
            copy[table] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        for table, definition in primary_keys:
            cursor.execute(f"ALTER TABLE bench_{table} ADD {definition}")
        for statement in indexes:
            cursor.execute(statement)
        index_seconds = time.perf_counter() - started
        started = time.perf_counter()
        for table, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE bench_{table} ADD {definition}")
        foreign_key_seconds = time.perf_counter() - started
        for table in reversed(TABLES):
            cursor.execute(f"DROP TABLE bench_{table} CASCADE")
    copy_seconds = sum(copy.values())
    return {
        "initial_load_seconds": round(copy_seconds + index_seconds + foreign_key_seconds, 2),
        "initial_load_copy_seconds": round(copy_seconds, 2),
        "initial_load_index_seconds": round(index_seconds, 2),
        "initial_load_foreign_key_seconds": round(foreign_key_seconds, 2),
        "initial_load_copy_seconds_by_table": copy,
        "initial_load_indexes": len(indexes) + len(primary_keys),
        "initial_load_foreign_keys": len(foreign_keys),
    }


def _dump(cursor, table: str) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    with cursor.cursor.copy(f"COPY {table} TO STDOUT") as dump:  # noqa: S608
        for block in dump:
            buffer.write(block)
    return buffer.getvalue()


def _definitions(cursor) -> tuple[list[str], list[tuple[str, str]], list[tuple[str, str]]]:  # type: ignore[no-untyped-def]
    """The registry tables' indexes, primary keys and foreign keys, rewritten for the copies.

    Read from the catalog, so the floor builds exactly what the migrations define today. Unique
    constraints come as their unique indexes (the same build); a foreign key to another of the
    six tables points at its copy, one to any other table (users, regions) stays as it is.
    """
    cursor.execute(
        """
        SELECT c.relname, pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
        WHERE c.relname = ANY(%s) AND NOT i.indisprimary
        ORDER BY 1, 2
        """,
        [list(TABLES)],
    )
    indexes = [
        re.sub(
            r"^CREATE (UNIQUE )?INDEX (\S+) ON (?:public\.)?(\w+) ",
            lambda m, n=n: f"CREATE {m[1] or ''}INDEX bench_{n} ON bench_{m[3]} ",
            statement,
        )
        for n, (_table, statement) in enumerate(cursor.fetchall())
    ]
    cursor.execute(
        """
        SELECT c.contype, t.relname, pg_get_constraintdef(c.oid)
        FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
        WHERE t.relname = ANY(%s) AND c.contype IN ('p', 'f')
        ORDER BY 2, 3
        """,
        [list(TABLES)],
    )
    primary_keys, foreign_keys = [], []
    for kind, table, definition in cursor.fetchall():
        if kind == "p":
            primary_keys.append((table, definition))
        else:
            pointed = re.sub(
                r"REFERENCES (?:public\.)?(\w+)\(",
                lambda m: f"REFERENCES {'bench_' if m[1] in TABLES else ''}{m[1]}(",
                definition,
            )
            foreign_keys.append((table, pointed))
    return indexes, primary_keys, foreign_keys


def _merge(figures: dict) -> None:
    results = ROOT / "bench" / "results.json"
    existing = json.loads(results.read_text()) if results.exists() else {}
    existing["registry"] = figures
    results.write_text(json.dumps(existing, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
