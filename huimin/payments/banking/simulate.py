"""What a bank would send back: a return file in a layout's `returns` part, for tests and the demo.

Huimin never writes return files in production; the bank does. This writes one the way the layout
describes it, from a frame of the lines with the bank's `status` and `reason` codes, so that the
tests, the benchmark and the demo can read a real file back. It shares the bank file's writer.
"""

import polars as pl

from huimin.payments.banking import export
from huimin.payments.banking.export import CycleInfo
from huimin.payments.banking.layouts import Layout


def return_file_simulate(
    layout: Layout, rows: pl.DataFrame, *, cycle: CycleInfo
) -> tuple[str, bytes]:
    """(file name, content) of the bank's return for `rows`, in the order given.

    `rows` has line_id, amount_fen, status and reason (the bank's codes) and, when the layout's
    return lines show them, account_number and payee_name. The control count and total are those
    of the rows, so a test that wants a wrong total edits the bytes.
    """
    returns = layout.returns
    if returns is None:
        raise ValueError(f"layout {layout.key} describes no return file")
    as_layout = Layout(
        key=layout.key,
        name=layout.name,
        source=layout.source,
        note=layout.note,
        format=returns.format,
        encoding=returns.encoding,
        delimiter=returns.delimiter,
        line_ending=returns.line_ending,
        file_name=returns.file_name or "return",
        columns=returns.columns,
        header=returns.header,
        trailer=returns.trailer,
        column_titles=returns.column_titles,
    )
    frame = rows.with_columns(pl.col("reason").fill_null(""))
    for name in ("account_number", "payee_name"):
        if name not in frame.columns:
            frame = frame.with_columns(pl.lit("").alias(name))
    frame = frame.with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("seq"))
    total = int(frame["amount_fen"].sum() or 0)
    values = cycle.record_values() | {"count": str(frame.height), "total": str(total)}
    name = cycle.file_name(returns.file_name) if returns.file_name else f"{layout.key}_return"
    if returns.format == "xlsx":
        return name, export._xlsx(as_layout, frame, values, cycle)
    return name, export._text(as_layout, frame, values)
