"""The bank file: the layout's bytes exactly, the same bytes every time, bad lines refused by name."""

import hashlib
import io
import time
import zipfile

import polars as pl
import pytest
from openpyxl import load_workbook

from huimin.payments.banking.export import (
    BankFileRefused,
    BankLine,
    bank_file_build,
    bank_lines_frame,
)
from huimin.payments.banking.layouts import layout_get
from tests.payments.banklines import CYCLE, lines


def test_it_writes_the_fixed_width_gbk_file_byte_for_byte():
    built = bank_file_build(layout_get("rcc_fixed_gbk"), lines(), cycle=CYCLE)
    # Grouped per account (一卡通): account ...001 first, then ...003, then ...009's two lines.
    # A Chinese character is two bytes of GBK, so 张三 takes 4 of the payee's 20 bytes.
    expected = (
        "HRCC01 532901      2026120010000000400000000001754420261205\r\n"
        "D00000001000000000002"
        + "6217000000000000001 "
        + '李四, "小"'
        + " " * 10
        + "000000000100"
        + "tekun"
        + " " * 15
        + "H0001               \r\n"
        "D00000002000000000003"
        + "6217000000000000003 "
        + "王五"
        + " " * 16
        + "000000000099"
        + "dibao"
        + " " * 15
        + "H0002               \r\n"
        "D00000003000000000001"
        + "6217000000000000009 "
        + "张三"
        + " " * 16
        + "000000012345"
        + "dibao"
        + " " * 15
        + "H0001               \r\n"
        "D00000004000000000004"
        + "6217000000000000009 "
        + "张三"
        + " " * 16
        + "000000005000"
        + "tekun"
        + " " * 15
        + "H0001               \r\n"
        "T00000004000000000017544\r\n"
    ).encode("gbk")
    assert built.content == expected
    assert built.name == "RCC01_532901_202612_001.txt"
    assert (built.count, built.total_fen) == (4, 175_44)
    assert built.sha256 == hashlib.sha256(expected).hexdigest()
    body = built.content.split(b"\r\n")[1:-2]
    assert {len(record) for record in body} == {1 + 8 + 12 + 20 + 20 + 12 + 20 + 20}


def test_it_writes_the_csv_file_with_quotes_where_needed_and_yuan():
    built = bank_file_build(layout_get("commercial_csv_utf8"), lines(), cycle=CYCLE)
    assert built.name == "RCC01_532901_202612_001.csv"
    assert built.content.decode("utf-8").split("\r\n") == [
        "HDR,RCC01,532901,202612,1,4,175.44",
        "序号,收款账号,收款户名,金额(元),开户行行号,业务编号,项目,户编号",
        "1,6217000000000000009,张三,123.45,402,1,dibao,H0001",
        '2,6217000000000000001,"李四, ""小""",1.00,402,2,tekun,H0001',
        "3,6217000000000000003,王五,0.99,402,3,dibao,H0002",
        "4,6217000000000000009,张三,50.00,402,4,tekun,H0001",
        "TRL,4,175.44",
        "",
    ]


@pytest.mark.parametrize("key", ["rcc_fixed_gbk", "commercial_csv_utf8", "commercial_xlsx"])
def test_it_gives_the_same_bytes_for_the_same_lines_in_any_order(key):
    layout = layout_get(key)
    first = bank_file_build(layout, lines(), cycle=CYCLE)
    again = bank_file_build(layout, list(reversed(lines())), cycle=CYCLE)
    as_frame = bank_file_build(
        layout, bank_lines_frame(lines()).sample(fraction=1, shuffle=True, seed=3), cycle=CYCLE
    )
    assert first.content == again.content == as_frame.content
    assert first.sha256 == again.sha256


def test_it_gives_the_same_workbook_a_second_later():
    layout = layout_get("commercial_xlsx")
    first = bank_file_build(layout, lines(), cycle=CYCLE)
    time.sleep(1.1)  # the workbook's "modified" and the zip entries' times would change
    again = bank_file_build(layout, lines(), cycle=CYCLE)
    assert first.content == again.content
    entries = zipfile.ZipFile(io.BytesIO(first.content)).infolist()
    assert {entry.date_time for entry in entries} == {(1980, 1, 1, 0, 0, 0)}


def test_it_writes_a_workbook_with_text_accounts_and_numeric_amounts():
    built = bank_file_build(layout_get("commercial_xlsx"), lines(), cycle=CYCLE)
    assert built.name.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(built.content), read_only=True).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["HDR", "RCC01", "532901", "202612", 1, 4, 175.44]
    assert rows[1][:4] == ["序号", "收款账号", "收款户名", "金额(元)"]
    assert rows[2] == ["1", "6217000000000000009", "张三", 123.45, "402", "1", "dibao", "H0001"]
    assert rows[-1] == ["TRL", 4, 175.44]
    assert len(rows) == 7


def test_it_refuses_a_name_gbk_cannot_write_naming_the_line():
    rare = lines() + [BankLine(7, "𠮷野", "6217000000000000077", "402", 100)]
    with pytest.raises(BankFileRefused) as refused:
        bank_file_build(layout_get("rcc_fixed_gbk"), rare, cycle=CYCLE)
    assert [(p.line_id, p.column) for p in refused.value.problems] == [(7, "payee_name")]
    assert "𠮷" in refused.value.message and "GBK" in refused.value.message
    assert "line 7" in refused.value.message
    # The same name is fine in UTF-8.
    assert bank_file_build(layout_get("commercial_csv_utf8"), rare, cycle=CYCLE).count == 5


def test_it_refuses_a_value_wider_than_its_column():
    long_name = lines() + [BankLine(8, "欧阳" * 6, "6217000000000000088", "402", 100)]
    with pytest.raises(BankFileRefused) as refused:
        bank_file_build(layout_get("rcc_fixed_gbk"), long_name, cycle=CYCLE)
    assert [(p.line_id, p.column) for p in refused.value.problems] == [(8, "payee_name")]
    assert "20 bytes" in refused.value.message
    # Ten Chinese characters are exactly 20 bytes: that fits.
    fits = lines() + [BankLine(8, "欧阳" * 5, "6217000000000000088", "402", 100)]
    assert bank_file_build(layout_get("rcc_fixed_gbk"), fits, cycle=CYCLE).count == 5


def test_it_refuses_every_bad_line_at_once():
    bad = lines() + [
        BankLine(1, "重复", "6217000000000000010", "402", 100),
        BankLine(9, "", "6217000000000000011", "402", 100),
        BankLine(10, "没账号", " ", "402", 100),
        BankLine(11, "零元", "6217000000000000012", "402", 0),
    ]
    with pytest.raises(BankFileRefused) as refused:
        bank_file_build(layout_get("commercial_csv_utf8"), bad, cycle=CYCLE)
    found = {(p.line_id, p.column) for p in refused.value.problems}
    assert found == {
        (1, "line_id"),
        (1, "line_id"),
        (9, "payee_name"),
        (10, "account_number"),
        (11, "amount_fen"),
    }
    assert refused.value.total == 5  # both lines with id 1


def test_it_builds_from_a_frame_without_the_optional_columns():
    frame = pl.DataFrame(
        {
            "line_id": [2, 1],
            "payee_name": ["李四", "张三"],
            "account_number": ["62170001", "62170002"],
            "amount_fen": [100, 250],
        }
    )
    built = bank_file_build(layout_get("commercial_csv_utf8"), frame, cycle=CYCLE)
    assert built.content.decode().split("\r\n")[2] == "1,62170002,张三,2.50,,1,,"
    assert built.total_fen == 350


def test_it_escapes_markup_in_a_workbook_and_refuses_control_characters():
    tricky = [BankLine(1, "A&B <C>", "6217000000000000001", "402", 100)]
    built = bank_file_build(layout_get("commercial_xlsx"), tricky, cycle=CYCLE)
    sheet = load_workbook(io.BytesIO(built.content)).worksheets[0]
    assert sheet["C3"].value == "A&B <C>"
    assert sheet["D3"].value == 1 and sheet["D3"].number_format == "0.00"
    with pytest.raises(BankFileRefused) as refused:
        bank_file_build(
            layout_get("commercial_xlsx"),
            [BankLine(2, "张\x07三", "6217000000000000001", "402", 100)],
            cycle=CYCLE,
        )
    assert [(p.line_id, p.column) for p in refused.value.problems] == [(2, "payee_name")]


def test_it_counts_four_byte_gb18030_characters_in_fixed_widths(tmp_path):
    from huimin.payments.banking.layouts import layout_load

    source = layout_get("rcc_fixed_gbk").path
    assert source is not None
    text = source.read_text(encoding="utf-8").replace("key: rcc_fixed_gbk", "key: rcc_gb18030")
    text = text.replace("encoding: gbk", "encoding: gb18030")
    path = tmp_path / "rcc_gb18030.yaml"
    path.write_text(text, encoding="utf-8")
    layout = layout_load(path)
    # 𠮷 is outside GBK: four bytes in GB18030, so 𠮷野 takes 6 of the payee's 20 bytes.
    rare = [BankLine(7, "𠮷野", "6217000000000000077", "402", 100)]
    built = bank_file_build(layout, rare, cycle=CYCLE)
    record = built.content.split(b"\r\n")[1]
    assert len(record) == 1 + 8 + 12 + 20 + 20 + 12 + 20 + 20
    assert record[41:61] == "𠮷野".encode("gb18030") + b" " * 14
