"""Documents on paper: a page's own Django template rendered to PDF with WeasyPrint.

A notice or a letter is one template: the page shows it, `render_pdf` prints it, with the print
stylesheet (`static/huimin/print.css`) and the Noto CJK fonts of the machine (Debian's
fonts-noto-cjk; `make browser` installs it). Rendering fetches nothing from the network: the only
resources served to WeasyPrint are our own static files and inline `data:` URLs, so a document
cannot leak who is reading it, nor hang on an unreachable server.

    pdf = render_pdf("casework/notice.html", context, lang="zh-hans")
    return pdf_response(pdf, "公示名单.pdf")
"""

import logging
import mimetypes
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from huimin.core.errors import ValidationFailed

# Documents are rendered against this base, so that `/static/...` resolves to a URL the fetcher
# recognizes; ".invalid" can never resolve (RFC 2606), should anything try.
DOCUMENT_BASE_URL = "https://huimin.invalid/"
PRINT_STYLESHEET = "huimin/print.css"

logger = logging.getLogger(__name__)
# WeasyPrint warns about every screen-only rule of the page's stylesheet on every document; what
# matters, a resource refused, is logged here instead.
logging.getLogger("weasyprint").setLevel(logging.CRITICAL)


class ResourceRefused(ValueError):
    """A document asked for something other than our static files; WeasyPrint skips it."""


def _static_path(name: str) -> Path | None:
    """The file of a static name: in the apps' folders, or collected (hashed names)."""
    found = finders.find(name)
    if isinstance(found, str):
        return Path(found)
    if staticfiles_storage.exists(name):
        return Path(staticfiles_storage.path(name))
    return None


class StaticOnlyFetcher(URLFetcher):
    """Serves our static files and data: URLs; refuses everything else (http, file, ...)."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("https", "data"), allow_redirects=False)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        static_prefix = DOCUMENT_BASE_URL.rstrip("/") + "/" + settings.STATIC_URL.lstrip("/")
        if url.startswith(static_prefix):
            name = unquote(urlsplit(url).path)[len(urlsplit(static_prefix).path) :]
            path = _static_path(name) if ".." not in name.split("/") else None
            if path is not None:
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    url, body=path.read_bytes(), headers={"Content-Type": content_type}
                )
        self.refused.append(url)
        raise ResourceRefused(f"documents use only Huimin's static files, not {url}")


def render_pdf(template_name: str, context: dict, *, lang: str) -> bytes:
    """The template rendered in `lang` (a code of settings.LANGUAGES), as the bytes of a PDF."""
    if lang not in dict(settings.LANGUAGES):
        raise ValidationFailed(f"no such language: {lang}", field="lang")
    with translation.override(lang):
        html = render_to_string(template_name, context)
    fetcher = StaticOnlyFetcher()
    stylesheet_path = _static_path(PRINT_STYLESHEET)
    assert stylesheet_path is not None  # noqa: S101 - shipped with core
    # base.html links print.css for the browser's printing (and so for pages extending it); as a
    # user stylesheet here it also dresses a document template that stands alone.
    stylesheet = CSS(filename=str(stylesheet_path), url_fetcher=fetcher)
    document = HTML(string=html, base_url=DOCUMENT_BASE_URL, url_fetcher=fetcher)
    pdf = document.write_pdf(stylesheets=[stylesheet])
    for url in fetcher.refused:
        logger.warning("document %s: refused to fetch %s", template_name, url)
    assert pdf is not None  # noqa: S101 - write_pdf without a target returns the bytes
    return pdf


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """A download of `pdf` named `filename` (Chinese names kept, RFC 6266 / 5987)."""
    if not filename.lower().endswith(".pdf"):
        filename += ".pdf"
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
    )
    response["Content-Length"] = str(len(pdf))
    response["X-Content-Type-Options"] = "nosniff"
    return response
