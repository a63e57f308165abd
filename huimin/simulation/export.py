"""A run's figures as rows, written to XLSX (openpyxl) or CSV: one table per section."""

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openpyxl import Workbook


def _flat(prefix: str, value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _flat(f"{prefix}.{key}" if prefix else str(key), item)
    else:
        yield prefix, value


def tables(figures: dict[str, Any]) -> dict[str, list[list[Any]]]:
    """Sheet name -> rows (the first is the header)."""
    out: dict[str, list[list[Any]]] = {}
    summary: list[list[Any]] = [["figure", "value"]]
    for section in ("cost", "poverty", "targeting", "intervals"):
        body = figures.get(section)
        if not body:
            continue
        scalars = {k: v for k, v in body.items() if not isinstance(v, list)}
        summary += [[f"{section}.{k}", v] for k, v in _flat("", scalars)]
    gini = figures.get("inequality", {}).get("gini", {})
    summary += [[f"gini.{k}", v] for k, v in gini.items()]
    out["summary"] = summary
    lists = {
        "by_program": figures.get("cost", {}).get("by_program", []),
        "by_region": figures.get("cost", {}).get("by_region", []),
        "by_household_type": figures.get("cost", {}).get("by_household_type", []),
        "recipients": figures.get("recipients", []),
        "deciles": figures.get("winners_losers", {}).get("by_decile", []),
        "household_types": figures.get("winners_losers", {}).get("by_household_type", []),
    }
    for name, rows in lists.items():
        header = list(dict.fromkeys(key for row in rows for key in row))
        out[name] = [header, *([row.get(key) for key in header] for row in rows)]
    lorenz = figures.get("inequality", {}).get("lorenz", {})
    if lorenz:
        labels = list(lorenz)
        rows = [["population_share", *labels]]
        for i, point in enumerate(lorenz[labels[0]]):
            rows.append([point[0], *(lorenz[label][i][1] for label in labels)])
        out["lorenz"] = rows
    return out


def xlsx_bytes(figures: dict[str, Any]) -> bytes:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, rows in tables(figures).items():
        sheet = book.create_sheet(name[:31])
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_text(figures: dict[str, Any]) -> str:
    """Every table one after the other, each headed by its name on a line of its own."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for name, rows in tables(figures).items():
        writer.writerow([f"# {name}"])
        writer.writerows(rows)
        writer.writerow([])
    return buffer.getvalue()


def write_files(figures: dict[str, Any], stem: Path) -> tuple[Path, Path]:
    xlsx, text = stem.with_suffix(".xlsx"), stem.with_suffix(".csv")
    xlsx.write_bytes(xlsx_bytes(figures))
    text.write_text(csv_text(figures), encoding="utf-8")
    return xlsx, text
