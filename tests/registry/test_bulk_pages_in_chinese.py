"""The import and export pages speak Chinese to a Chinese reader."""

from django.test import Client
from django.urls import reverse


def test_it_shows_the_import_page_in_chinese(caseworker_a):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(caseworker_a)

    page = client.get(reverse("registry:import")).content.decode()

    assert "批量导入家庭和人员" in page
    assert "第一步：填写模板" in page
    assert "Import households and people" not in page
    assert "Check the file" not in page


def test_it_shows_the_export_page_in_chinese(caseworker_a):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(caseworker_a)

    page = client.get(reverse("registry:export")).content.decode()

    assert "导出查询结果" in page
    assert "下载 Excel 文件" in page
    assert "Export a search result" not in page
