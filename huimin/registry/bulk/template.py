"""The downloadable import templates, and files in the same format (rejected rows, exports)."""

import csv
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from huimin.registry.bulk.columns import COLUMNS, Column

EXAMPLE_ROWS = (
    {"relation": "户主", "name": "张秀英", "id_number": "532901198803120020", "payee": "是"},
    {
        "relation": "子女",
        "name": "李浩宇",
        "id_number": "532901201005060013",
        "sex": "男",
        "birth_date": "2010-05-06",
        "income_wages": "",
        "student": "是",
        "able_to_work": "否",
        "income_farm_net": "",
        "income_pension_basic": "",
        "payee": "否",
        "bank_name": "",
        "bank_account": "",
        "phone": "",
        "deposits": "",
        "homes": "",
        "commercial_properties": "",
    },
)
HEADER_FONT = Font(bold=True)
TEXT_FORMAT = "@"  # Excel's text format: identity and account numbers keep every digit


def example_rows() -> list[list[str]]:
    rows = []
    for overrides in EXAMPLE_ROWS:
        rows.append([overrides.get(c.key, c.example) for c in COLUMNS])
    return rows


def template_csv() -> bytes:
    return rows_to_csv([c.label_zh for c in COLUMNS], example_rows())


def rows_to_csv(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    # The byte order mark makes Excel open UTF-8 Chinese text correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "导入数据 import"
    _write_table(sheet, [c.label_zh for c in COLUMNS], example_rows())
    _explain(book.create_sheet("填写说明 columns"))
    return _save(book)


def rows_to_xlsx(
    headers: Sequence[str], rows: Iterable[Sequence[object]], *, title: str = "Sheet1"
) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    return _save(book)


def _write_table(sheet, headers: list[str], rows: list[list[str]]) -> None:  # type: ignore[no-untyped-def]
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index).font = HEADER_FONT
        sheet.column_dimensions[letter].width = max(10, len(column.label_zh) * 2 + 2)
        if column.kind.value in ("id_number", "digits", "village", "text"):
            for row_number in range(2, 1001):
                sheet.cell(row=row_number, column=index).number_format = TEXT_FORMAT
    sheet.freeze_panes = "A2"


def _explain(sheet) -> None:  # type: ignore[no-untyped-def]
    headers = [
        "列名（表头）",
        "key (header may also be this)",
        "类别 level",
        "必填 required",
        "含义与格式",
        "meaning and format",
        "示例 example",
    ]
    sheet.append(headers)
    for column in COLUMNS:
        sheet.append(_explanation(column))
    for index, width in enumerate((24, 26, 14, 12, 50, 60, 24), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.cell(row=1, column=index).font = HEADER_FONT
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    notes = (
        "说明：每行一名家庭成员；同一户的各行填写相同的户编号，户级列（村代码、住址、户籍类型、银行账号、"
        "电话、资产）可只在其中一行填写，填写的各行须一致。金额单位为元，最多两位小数。",
        "One row per person; rows of one household share the household number. Household columns "
        "(village, address, residence, bank, phone, assets) may be filled on one row only; filled "
        "rows must agree. Amounts are yuan with at most two decimals.",
        "再次导入同一文件不会重复建档：以户编号和身份证号码识别已有的户和人员，已有人员按文件更新，"
        "未变化的保持不动；文件中没有的成员不会被删除。",
        "Importing the same file again creates nothing twice: households are matched by household "
        "number and people by identity number; known people are updated from the file, unchanged "
        "ones left alone; members missing from the file are not removed.",
    )
    sheet.append([])
    for note in notes:
        sheet.append([note])


def _explanation(column: Column) -> list[str]:
    level = "户 household" if column.level.value == "household" else "人 person"
    return [
        column.label_zh,
        column.key,
        level,
        "是 yes" if column.required else "否 no",
        column.meaning_zh,
        column.meaning_en,
        column.example,
    ]


def _save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
