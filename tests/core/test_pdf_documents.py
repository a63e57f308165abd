"""Documents as PDF: the page's own template, Chinese text and fonts, nothing from the network."""

import io
import socket
from pathlib import Path

import pypdf
import pytest
from django.contrib.staticfiles.storage import staticfiles_storage

from huimin.core.documents import (
    DOCUMENT_BASE_URL,
    ResourceRefused,
    StaticOnlyFetcher,
    pdf_response,
    render_pdf,
)
from huimin.core.errors import ValidationFailed

TEMPLATES_DIR = Path(__file__).parent / "templates"
CONTEXT = {
    "village": "测试社区甲",
    "rows": [
        {"name": "张*华", "id": "532901********1234", "yuan": "650.00"},
        {"name": "李*梅", "id": "532901********5678", "yuan": "320.00"},
    ],
}


@pytest.fixture
def test_templates(settings):
    engine = dict(settings.TEMPLATES[0])
    engine["DIRS"] = [*engine.get("DIRS", []), TEMPLATES_DIR]
    settings.TEMPLATES = [engine, *settings.TEMPLATES[1:]]


@pytest.fixture
def no_network(monkeypatch):
    """Every attempt to open a connection is recorded and refused."""
    attempts: list[object] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("the tests allow no network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def pdf_fonts(pdf: bytes) -> set[str]:
    fonts = set()
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


def test_it_prints_the_templates_chinese_text_with_an_embedded_cjk_font(test_templates, no_network):
    pdf = render_pdf("documents_test/notice.html", CONTEXT, lang="zh-hans")
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert "最低生活保障审核确认公示" in text
    assert "测试社区甲" in text and "张*华" in text and "650.00元" in text
    assert "未找到" in text  # the translated string, in the language asked for
    # the screen's chrome stays off paper: the language switch and the footer
    assert "English" not in text
    assert any("CJK" in font for font in pdf_fonts(pdf)), pdf_fonts(pdf)
    assert no_network == []


def test_it_prints_in_the_language_asked_for(test_templates, no_network):
    text = pdf_text(render_pdf("documents_test/notice.html", CONTEXT, lang="en"))
    assert "Not found" in text
    assert "未找到" not in text
    assert "最低生活保障审核确认公示" in text  # the template's own Chinese stays
    with pytest.raises(ValidationFailed, match="no such language"):
        render_pdf("documents_test/notice.html", CONTEXT, lang="fr")


def test_it_renders_a_real_page_template():
    text = pdf_text(render_pdf("404.html", {}, lang="zh-hans"))
    assert "返回首页" in text


def test_it_serves_only_our_static_files():
    fetcher = StaticOnlyFetcher()
    css = fetcher.fetch(DOCUMENT_BASE_URL + "static/huimin/print.css")
    assert b"@page" in css.read()
    hashed = staticfiles_storage.url("huimin/huimin.css")  # the collected, hashed name
    assert hashed != "/static/huimin/huimin.css"
    assert b"--ink" in fetcher.fetch(DOCUMENT_BASE_URL.rstrip("/") + hashed).read()
    for url in [
        "https://example.com/pixel.png",
        "http://example.org/tracker.css",
        "file:///etc/hostname",
        DOCUMENT_BASE_URL + "static/../../settings.py",
        DOCUMENT_BASE_URL + "static/huimin/no-such-file.css",
        DOCUMENT_BASE_URL + "media/upload.png",
    ]:
        with pytest.raises((ResourceRefused, ValueError)):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"


def test_it_names_the_download_in_chinese():
    response = pdf_response(b"%PDF-1.7 ...", "公示名单 2026年12月")
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    assert (
        "filename*=UTF-8''%E5%85%AC%E7%A4%BA%E5%90%8D%E5%8D%95%202026%E5%B9%B412%E6%9C%88.pdf"
        in (disposition)
    )
    assert disposition.split('"')[1].isascii()
    assert response.content == b"%PDF-1.7 ..."
