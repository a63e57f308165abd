"""Whatever the lines, a bank that pays them all sends back a file that reads as all paid."""

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huimin.payments.banking.export import BankLine, bank_file_build
from huimin.payments.banking.layouts import layout_get, layout_load
from huimin.payments.banking.returns import ExpectedCycle, return_classify, return_file_read
from huimin.payments.banking.simulate import return_file_simulate
from tests.payments.banklines import CYCLE

GBK_NAMES = st.text(
    alphabet=st.sampled_from(list("王李张刘陈杨赵黄周吴欧阳买提·阿依古丽 AbC")),
    min_size=1,
    max_size=10,
).filter(lambda name: name.strip() == name != "")

LINES = st.lists(
    st.builds(
        BankLine,
        line_id=st.integers(1, 10**12 - 1),  # the fixed layout has 12 digits
        payee_name=GBK_NAMES,
        account_number=st.from_regex(r"62[0-9]{17}", fullmatch=True),
        bank_code=st.just("402"),
        amount_fen=st.integers(1, 10**9),
        program=st.sampled_from(["dibao", "tekun"]),
    ),
    min_size=1,
    max_size=30,
    unique_by=lambda line: line.line_id,
)


def paid_rows(lines: list[BankLine], code: str) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "line_id": [line.line_id for line in lines],
            "account_number": [line.account_number for line in lines],
            "payee_name": [line.payee_name for line in lines],
            "amount_fen": [line.amount_fen for line in lines],
            "status": [code] * len(lines),
            "reason": [""] * len(lines),
        }
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=LINES)
def test_it_reads_back_every_line_as_paid_in_every_layout(lines):
    for key, code in (("rcc_fixed_gbk", "00"), ("commercial_csv_utf8", "S")):
        layout = layout_get(key)
        built = bank_file_build(layout, lines, cycle=CYCLE)
        assert built.count == len(lines)
        assert built.total_fen == sum(line.amount_fen for line in lines)
        name, content = return_file_simulate(layout, paid_rows(lines, code), cycle=CYCLE)
        reading = return_file_read(layout, content, expected=ExpectedCycle(CYCLE), file_name=name)
        result = return_classify(reading, lines)
        assert result.counts["paid"] == len(lines)
        assert sum(result.counts.values()) == len(lines)
        if "payee_name" in reading.rows.columns and key != "rcc_fixed_gbk":
            assert reading.rows["payee_name"].to_list() == [line.payee_name for line in lines]


def test_it_reads_a_return_workbook(tmp_path):
    source = layout_get("commercial_xlsx").path
    assert source is not None
    text = source.read_text(encoding="utf-8")
    text = text.replace("key: commercial_xlsx", "key: xlsx_returns").replace(
        "returns:\n  format: csv", "returns:\n  format: xlsx"
    )
    text = text.replace('_RET.csv"', '_RET.xlsx"')
    path = tmp_path / "xlsx_returns.yaml"
    path.write_text(text, encoding="utf-8")
    layout = layout_load(path)
    assert layout.returns is not None and layout.returns.format == "xlsx"
    lines = [
        BankLine(1, "张三", "6217000000000000001", "402", 123_45),
        BankLine(2, "李四", "6217000000000000002", "402", 100),
    ]
    rows = paid_rows(lines, "S").with_columns(
        pl.Series("status", ["S", "F"]), pl.Series("reason", ["", "AC04"])
    )
    name, content = return_file_simulate(layout, rows, cycle=CYCLE)
    assert name.endswith("_RET.xlsx")
    reading = return_file_read(layout, content, expected=ExpectedCycle(CYCLE), file_name=name)
    assert reading.rows["amount_fen"].to_list() == [123_45, 100]
    result = return_classify(reading, lines)
    assert (result.counts["paid"], result.counts["rejected"]) == (1, 1)
    assert result.of("rejected")["reason_kind"].to_list() == ["closed_account"]
