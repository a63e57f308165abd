"""Registry benchmarks: generate a population, import a CSV of it, and compare with a plain COPY.

    .venv/bin/python bench/bench_registry.py [--persons 1000000]

DATABASE_URL picks the PostgreSQL database (default postgres://postgres@127.0.0.1:5432/huimin_bench).
It is dropped and created afresh on every run, so its schema is exactly what the migrations make
today (a database migrated once and kept would keep the indexes of an edited migration); its name
must contain "bench". Figures are merged into bench/results.json under "registry".

Both the generation and the import write into an empty registry, so the loader takes its initial-load
path (huimin/registry/bulk/initial_load.py): secondary indexes, unique constraints and foreign keys
are dropped, the rows COPY'd, and all of them created and validated again in the same transaction.

Baseline: after the import, the rows it wrote (already validated, encrypted and indexed) are read
back with COPY TO, and then COPY FROM'd into fresh tables made LIKE the registry's (same columns,
indexes and constraints, INCLUDING ALL, without foreign keys). That is the cost of only putting
those exact rows in the database while keeping their indexes up to date, in PostgreSQL's default
TOAST compression (pglz); the loader rebuilds the indexes after its COPY and compresses the
snapshots with LZ4, so it does less work in the database than this baseline. The import's ratio
to it is what reading, validation, the blind-index lookups, encryption and snapshots cost on top,
less what the initial-load path saves.
"""

import argparse
import io
import json
import os
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
    figures["import_to_copy_ratio"] = round(
        figures["import_seconds"] / figures["copy_all_tables_seconds"], 2
    )
    figures["baseline"] = (
        "COPY FROM of the rows the import wrote (read back with COPY TO, already encrypted and "
        "indexed) into fresh tables LIKE the registry's, INCLUDING ALL (indexes maintained during "
        "the COPY, checks), no FKs, default TOAST compression; all six tables the import writes. "
        "The import and generate load an empty registry, so they rebuild indexes and validate "
        "foreign keys after their COPY instead (initial-load path)"
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
    from django.db import connection, transaction

    timings: dict[str, float] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        dumps: dict[str, bytes] = {}
        for table in TABLES:
            buffer = io.BytesIO()
            with cursor.cursor.copy(f"COPY {table} TO STDOUT") as copy:  # noqa: S608
                for block in copy:
                    buffer.write(block)
            dumps[table] = buffer.getvalue()
        for table in TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS bench_{table}")
            cursor.execute(f"CREATE TABLE bench_{table} (LIKE {table} INCLUDING ALL)")
        total = 0.0
        for table in TABLES:
            started = time.perf_counter()
            with cursor.cursor.copy(f"COPY bench_{table} FROM STDIN") as copy:  # noqa: S608
                copy.write(dumps[table])
            timings[table] = round(time.perf_counter() - started, 2)
            total += timings[table]
        for table in TABLES:
            cursor.execute(f"DROP TABLE bench_{table}")
    return {
        "copy_all_tables_seconds": round(total, 2),
        "copy_persons_only_seconds": timings["registry_person"],
        "copy_seconds_by_table": timings,
    }


def _merge(figures: dict) -> None:
    results = ROOT / "bench" / "results.json"
    existing = json.loads(results.read_text()) if results.exists() else {}
    existing["registry"] = figures
    results.write_text(json.dumps(existing, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
