"""The bank's return file: understood whole or refused whole, then every line in exactly one class."""

import polars as pl
import pytest

from huimin.payments.banking.export import CycleInfo
from huimin.payments.banking.layouts import layout_get
from huimin.payments.banking.returns import (
    RETURN_CLASSES,
    ExpectedCycle,
    ReturnFileRefused,
    reason_words,
    return_classify,
    return_file_read,
)
from huimin.payments.banking.simulate import return_file_simulate
from tests.payments.banklines import CYCLE, lines

EXPECTED = ExpectedCycle(CYCLE)
# The bank's codes of each example layout: paid, rejected, the reason "account closed".
CODES = {"rcc_fixed_gbk": ("00", "01", "E001"), "commercial_csv_utf8": ("S", "F", "AC04")}


def bank_rows(key: str, rows: list[tuple[int, int, str]]) -> pl.DataFrame:
    """Return rows (line id, amount in fen, outcome) with the layout's codes."""
    paid, rejected, closed = CODES[key]
    accounts = {line.line_id: line.account_number for line in lines()}
    return pl.DataFrame(
        {
            "line_id": [line_id for line_id, _amount, _outcome in rows],
            "account_number": [
                accounts.get(line_id, "6200000000000000999") for line_id, _a, _o in rows
            ],
            "payee_name": ["张三"] * len(rows),
            "amount_fen": [amount for _line_id, amount, _outcome in rows],
            "status": [paid if outcome == "paid" else rejected for _l, _a, outcome in rows],
            "reason": ["" if outcome == "paid" else closed for _l, _a, outcome in rows],
        }
    )


def read(key: str, rows: list[tuple[int, int, str]], cycle: CycleInfo = CYCLE):
    layout = layout_get(key)
    name, content = return_file_simulate(layout, bank_rows(key, rows), cycle=cycle)
    return layout, name, content


@pytest.mark.parametrize("key", ["rcc_fixed_gbk", "commercial_csv_utf8"])
def test_it_puts_every_line_in_exactly_one_class(key):
    # Lines of the cycle: 1 (123.45), 2 (1.00), 3 (0.99), 4 (50.00).
    layout, name, content = read(
        key,
        [
            (1, 123_45, "paid"),
            (2, 100, "rejected"),
            (3, 98, "paid"),  # the bank paid 0.98 of 0.99
            (1, 123_45, "paid"),  # line 1 again
            (77, 500, "paid"),  # not a line of this cycle
        ],
    )
    reading = return_file_read(layout, content, expected=EXPECTED, file_name=name)
    assert (reading.count, reading.total_fen) == (5, 123_45 + 100 + 98 + 123_45 + 500)
    result = return_classify(reading, lines(), already_paid=set())
    assert result.counts == {
        "paid": 1,
        "rejected": 1,
        "amount_mismatch": 1,
        "duplicate": 1,
        "unknown": 1,
        "missing": 1,
        "late_return": 0,
    }
    assert result.of("paid")["line_id"].to_list() == [1]
    assert result.of("missing")["line_id"].to_list() == [4]
    assert result.of("missing")["row"].to_list() == [None]
    assert result.of("duplicate")["row"].to_list() == [reading.rows["row"][3]]
    assert result.of("unknown")["line_id"].to_list() == [77]
    mismatch = result.of("amount_mismatch").row(0, named=True)
    assert (mismatch["amount_fen"], mismatch["expected_amount_fen"]) == (98, 99)
    rejected = result.of("rejected").row(0, named=True)
    assert rejected["reason_kind"] == "closed_account"
    assert reason_words(rejected["reason_kind"]) == "Account closed"
    # Exactly once: every file row plus every missing line, no more, no less.
    assert result.lines.height == reading.count + 1
    assert sum(result.counts.values()) == result.lines.height
    assert result.totals_fen["missing"] == 50_00


def test_it_names_a_late_return_of_a_line_already_paid():
    layout, name, content = read(
        "rcc_fixed_gbk",
        [(1, 123_45, "rejected"), (2, 100, "paid"), (3, 99, "paid")],
    )
    reading = return_file_read(layout, content, expected=EXPECTED)
    result = return_classify(reading, lines(), already_paid={1, 2, 4})
    assert result.of("late_return")["line_id"].to_list() == [1]
    assert result.of("duplicate")["line_id"].to_list() == [2]  # confirmed paid a second time
    assert result.of("paid")["line_id"].to_list() == [3]
    assert result.counts["missing"] == 0  # line 4 was confirmed paid before


def test_it_reads_a_reversal_as_a_rejection_with_its_reason():
    layout = layout_get("commercial_csv_utf8")
    rows = bank_rows("commercial_csv_utf8", [(1, 123_45, "paid"), (2, 100, "paid")])
    rows = rows.with_columns(
        pl.when(pl.col("line_id") == 2)
        .then(pl.lit("R"))
        .otherwise(pl.col("status"))
        .alias("status"),
        pl.when(pl.col("line_id") == 2)
        .then(pl.lit("RR01"))
        .otherwise(pl.col("reason"))
        .alias("reason"),
    )
    name, content = return_file_simulate(layout, rows, cycle=CYCLE)
    reading = return_file_read(layout, content, expected=EXPECTED, file_name=name)
    assert reading.rows["outcome"].to_list() == ["paid", "reversed"]
    assert return_classify(reading, lines()).of("rejected")["reason_kind"].to_list() == ["reversed"]
    assert return_classify(reading, lines(), already_paid={2}).counts["late_return"] == 1


def test_it_refuses_the_return_of_another_cycle_by_its_header():
    other = CycleInfo(region="532902", month="2026-11", sequence=1, bank="RCC01")
    layout, name, content = read("rcc_fixed_gbk", [(1, 123_45, "paid")], cycle=other)
    with pytest.raises(ReturnFileRefused) as refused:
        return_file_read(layout, content, expected=EXPECTED)
    message = refused.value.message
    assert "another cycle" in message and "532902" in message and "202611" in message
    assert "nothing was applied" in message


def test_it_refuses_the_return_of_another_cycle_by_its_file_name():
    layout, name, content = read("commercial_csv_utf8", [(1, 123_45, "paid")])
    with pytest.raises(ReturnFileRefused) as refused:
        return_file_read(
            layout, content, expected=EXPECTED, file_name="RCC01_532901_202611_001_RET.csv"
        )
    assert "another cycle" in refused.value.message
    assert "RCC01_532901_202612_001_RET.csv" in refused.value.message
    with pytest.raises(ReturnFileRefused):
        return_file_read(layout, content, expected=EXPECTED)  # no name to check


def test_it_refuses_a_wrong_control_count_and_total():
    layout, name, content = read("rcc_fixed_gbk", [(1, 123_45, "paid"), (2, 100, "paid")])
    # The trailer: T, count 8 digits, total 15 digits.
    tampered = content.replace(b"T00000002000000000012445", b"T00000003000000000012446")
    assert tampered != content
    with pytest.raises(ReturnFileRefused) as refused:
        return_file_read(layout, tampered, expected=EXPECTED)
    message = refused.value.message
    assert "The control count says 3 lines; the file has 2." in message
    assert "The control total says 12446; the lines add up to 124.45 yuan (12445 fen)." in message


def test_it_names_every_malformed_row_and_column():
    layout, name, content = read(
        "rcc_fixed_gbk",
        [(1, 123_45, "paid"), (2, 100, "rejected"), (3, 99, "paid"), (4, 50_00, "paid")],
    )
    records = content.split(b"\r\n")
    records[2] = records[2][:-3]  # row 3 (the header is row 1) cut short
    records[3] = records[3][:1] + b"00000000000X" + records[3][13:]  # row 4: a letter in the id
    records[4] = records[4][:45] + b"77" + records[4][47:]  # row 5: an unknown status code
    broken = b"\r\n".join(records)
    with pytest.raises(ReturnFileRefused) as refused:
        return_file_read(layout, broken, expected=EXPECTED)
    problems = {(problem.row, problem.column) for problem in refused.value.problems}
    assert (3, "record") in problems  # 3 bytes short
    assert (4, "line_id") in problems
    assert (5, "status") in problems
    assert "row 4, line_id: “00000000000X” is not a line id" in refused.value.message


def test_it_refuses_a_reason_code_the_layout_does_not_know():
    layout = layout_get("commercial_csv_utf8")
    rows = bank_rows("commercial_csv_utf8", [(1, 123_45, "rejected")]).with_columns(
        pl.lit("ZZ99").alias("reason")
    )
    name, content = return_file_simulate(layout, rows, cycle=CYCLE)
    with pytest.raises(ReturnFileRefused) as refused:
        return_file_read(layout, content, expected=EXPECTED, file_name=name)
    assert "row 2, reason: “ZZ99” is not a reason code of the layout" in refused.value.message


def test_it_names_a_csv_row_with_too_many_fields_and_a_bad_amount():
    layout, name, content = read("commercial_csv_utf8", [(1, 123_45, "paid"), (2, 100, "paid")])
    text = content.decode("utf-8").replace("123.45,S,", "123.45,S,,extra")
    with pytest.raises(ReturnFileRefused) as refused:
        return_file_read(layout, text.encode(), expected=EXPECTED, file_name=name)
    assert [(p.row, p.column) for p in refused.value.problems] == [(2, "record")]
    assert "the row has 7 fields; the layout has 6" in refused.value.message
    text = content.decode("utf-8").replace("1.00,S", "1.0,S")
    with pytest.raises(ReturnFileRefused) as refused:
        return_file_read(layout, text.encode(), expected=EXPECTED, file_name=name)
    assert (
        "row 3, amount: “1.0” is not an amount in yuan with two decimals" in refused.value.message
    )


def test_it_refuses_a_file_not_in_the_layouts_encoding():
    layout, name, content = read("commercial_csv_utf8", [(1, 123_45, "paid"), (2, 100, "paid")])
    as_gbk = content.decode("utf-8").encode("gbk")
    with pytest.raises(ReturnFileRefused) as refused:
        return_file_read(layout, as_gbk, expected=EXPECTED, file_name=name)
    assert refused.value.problems[0].row == 1  # the column titles are in Chinese
    assert "UTF-8" in refused.value.message


def test_it_reads_a_gbk_return_with_chinese_in_a_fixed_width_row(tmp_path):
    # A return layout with the payee's name: byte offsets, not character offsets, cut the row.
    source = layout_get("rcc_fixed_gbk").path
    assert source is not None
    text = (
        source.read_text(encoding="utf-8")
        .replace(
            "    - {name: account, source: account_number, width: 20}\n    - {name: amount",
            "    - {name: account, source: account_number, width: 20}\n"
            "    - {name: payee, source: payee_name, width: 20}\n    - {name: amount",
        )
        .replace("key: rcc_fixed_gbk", "key: with_names")
    )
    path = tmp_path / "with_names.yaml"
    path.write_text(text, encoding="utf-8")
    from huimin.payments.banking.layouts import layout_load

    layout = layout_load(path)
    rows = bank_rows("rcc_fixed_gbk", [(1, 123_45, "paid"), (2, 100, "paid")]).with_columns(
        pl.Series("payee_name", ["张三", "Li Si"])
    )
    _name, content = return_file_simulate(layout, rows, cycle=CYCLE)
    reading = return_file_read(layout, content, expected=EXPECTED)
    assert reading.rows["payee_name"].to_list() == ["张三", "Li Si"]
    assert reading.rows["amount_fen"].to_list() == [123_45, 100]


def test_it_has_words_for_every_class():
    assert set(RETURN_CLASSES) == {
        "paid",
        "rejected",
        "amount_mismatch",
        "duplicate",
        "unknown",
        "missing",
        "late_return",
    }
