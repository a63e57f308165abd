"""Bank file layouts load from data, and a broken one is refused with every problem named."""

from pathlib import Path

import pytest

from huimin.payments.banking.layouts import LayoutError, layout_get, layout_load, layouts_available


def test_it_ships_example_layouts_that_say_they_are_examples():
    layouts = {layout.key: layout for layout in layouts_available()}
    assert {"rcc_fixed_gbk", "commercial_csv_utf8", "commercial_xlsx"} <= set(layouts)
    for layout in layouts.values():
        assert layout.source == "example"
        assert "example" in layout.note
        assert layout.returns is not None


def test_every_program_fits_the_program_column_of_each_fixed_layout():
    from huimin.casework.models import Program

    for layout in layouts_available():
        column = next((c for c in layout.columns if c.source == "program"), None)
        if layout.format != "fixed" or column is None:
            continue
        too_long = [key for key in Program.values if len(key.encode()) > column.width]
        assert too_long == [], layout.key


def test_it_reads_a_fixed_width_gbk_layout():
    layout = layout_get("rcc_fixed_gbk")
    assert (layout.format, layout.encoding, layout.line_ending) == ("fixed", "gbk", "\r\n")
    assert layout.group_by_account
    payee = next(column for column in layout.columns if column.source == "payee_name")
    assert (payee.width, payee.align, payee.pad) == (20, "left", " ")
    amount = next(column for column in layout.columns if column.source == "amount_fen")
    assert (amount.amount, amount.align, amount.pad) == ("fen", "right", "0")
    assert [column.source for column in layout.trailer] == [None, "count", "total"]
    assert layout.returns is not None
    assert layout.returns.paid == {"00"}
    assert layout.returns.reasons["E001"] == "closed_account"


def write(tmp_path: Path, text: str, name: str = "broken.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_it_names_the_file_line_and_key_of_every_problem(tmp_path):
    path = write(
        tmp_path,
        """key: broken
name: Broken
source: example
note: an example
format: fixed
encoding: latin-1
file_name: "{bank}_{county}.txt"
columns:
  - {name: account, source: account_number}
  - {name: amount, source: amount_fen, width: 0}
  - {name: payee, source: payee, width: 20}
""",
    )
    with pytest.raises(LayoutError) as refused:
        layout_load(path)
    problems = refused.value.problems
    text = "\n".join(problems)
    assert "broken.yaml, line 6, key “encoding”" in text
    assert "broken.yaml, line 7, key “file_name”" in text and "{county}" in text
    assert "line 9, key “columns[1].width”: a fixed-width column needs a width" in text
    assert "line 10, key “columns[2].width”: must be a whole number of 1 or more" in text
    assert "line 10, key “columns[2].amount”: an amount column must say fen or yuan" in text
    assert "line 11, key “columns[3].source”" in text and "“payee” is not one of" in text
    assert len(problems) >= 5


def test_it_refuses_an_amount_without_its_unit_and_a_wrong_key(tmp_path):
    path = write(
        tmp_path,
        """key: other_name
name: Broken
source: example
note: an example
format: csv
colour: blue
file_name: "{bank}.csv"
columns:
  - {name: amount, source: amount_fen}
""",
    )
    with pytest.raises(LayoutError) as refused:
        layout_load(path)
    text = "\n".join(refused.value.problems)
    assert "line 1, key “key”: must be the file's name" in text
    assert "line 6, key “colour”" in text
    assert "line 9, key “columns[1].amount”: an amount column must say fen or yuan" in text


def test_it_refuses_a_return_layout_that_cannot_check_the_cycle(tmp_path):
    path = write(
        tmp_path,
        """key: broken
name: Broken
source: example
note: an example
format: csv
file_name: "{bank}.csv"
columns:
  - {name: line, source: line_id}
returns:
  cycle_check: file_name
  file_name: "{bank}_RET.csv"
  columns:
    - {name: line, source: line_id}
    - {name: status, source: status}
  status:
    paid: ["S"]
    rejected: ["S"]
""",
    )
    with pytest.raises(LayoutError) as refused:
        layout_load(path)
    text = "\n".join(refused.value.problems)
    assert "key “returns.columns”: a return line needs a column from “amount_fen”" in text
    assert "line 10, key “returns.cycle_check”" in text
    assert "a status code may stand for one outcome only" in text
    assert "needs a column from “reason”" in text


def test_it_says_where_yaml_is_broken(tmp_path):
    path = write(tmp_path, "key: broken\ncolumns: [\n  - x\n")
    with pytest.raises(LayoutError) as refused:
        layout_load(path)
    assert "broken.yaml, line" in refused.value.message
    assert "not valid YAML" in refused.value.message


def test_it_refuses_an_unknown_layout():
    with pytest.raises(LayoutError):
        layout_get("no_such_bank")
