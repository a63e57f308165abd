"""A township clerk reads the bank file's refusals and the return classes in Chinese."""

import pytest
from django.utils import translation

from huimin.core.errors import ValidationFailed
from huimin.payments.banking.export import BankFileRefused, BankLine, bank_file_build
from huimin.payments.banking.layouts import layout_get
from huimin.payments.banking.returns import (
    RETURN_CLASSES,
    ExpectedCycle,
    ReturnFileRefused,
    reason_words,
    return_file_read,
)
from huimin.payments.sampling import sample_size
from tests.payments.banklines import CYCLE


def test_it_refuses_a_bank_file_in_chinese():
    with translation.override("zh-hans"), pytest.raises(BankFileRefused) as refused:
        bank_file_build(
            layout_get("rcc_fixed_gbk"),
            [BankLine(7, "𠮷野", "6217000000000000077", "402", 100)],
            cycle=CYCLE,
        )
    assert "银行代发文件没有生成" in refused.value.message
    assert "无法用 GBK 编码写入" in refused.value.message


def test_it_refuses_a_return_file_in_chinese():
    layout = layout_get("rcc_fixed_gbk")
    content = "H\r\nT00000000000000000000000\r\n".encode("gbk")
    with translation.override("zh-hans"), pytest.raises(ReturnFileRefused) as refused:
        return_file_read(layout, content, expected=ExpectedCycle(CYCLE))
    assert "回盘文件没有读入" in refused.value.message
    assert "另一个批次" in refused.value.message


def test_it_names_classes_reasons_and_sampling_errors_in_chinese():
    with translation.override("zh-hans"):
        assert str(RETURN_CLASSES["late_return"]) == "已确认发放后又被退回或冲正"
        assert reason_words("closed_account") == "账户已销户"
        with pytest.raises(ValidationFailed) as refused:
            sample_size(100, margin=0)
        assert "允许误差" in refused.value.message
