"""Payment lines and cycles for the bank file tests."""

import datetime as dt

from huimin.payments.banking.export import BankLine, CycleInfo

CYCLE = CycleInfo(
    region="532901", month="2026-12", sequence=1, bank="RCC01", pay_date=dt.date(2026, 12, 5)
)


def lines() -> list[BankLine]:
    return [
        BankLine(3, "王五", "6217000000000000003", "402", 99, "dibao", "H0002"),
        BankLine(1, "张三", "6217000000000000009", "402", 123_45, "dibao", "H0001"),
        BankLine(2, '李四, "小"', "6217000000000000001", "402", 100, "tekun", "H0001"),
        BankLine(4, "张三", "6217000000000000009", "402", 50_00, "tekun", "H0001"),
    ]
