"""With DEBUG off, as in production, the application itself serves its static files (WhiteNoise):
collected under names carrying their content's hash, compressed, cached for good."""

import re

from django.conf import settings
from django.test import Client
from django.urls import reverse


def _stylesheet_url(client: Client) -> str:
    page = client.get(reverse("login")).content.decode()
    match = re.search(r'href="(/static/huimin/huimin\.[0-9a-f]{12}\.css)"', page)
    assert match, "the page links its stylesheet under a hashed name"
    return match.group(1)


def test_a_page_links_its_stylesheet_under_a_hashed_name_the_app_serves(db):
    assert not settings.DEBUG
    client = Client()
    url = _stylesheet_url(client)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert "immutable" in response["Cache-Control"]
    source = settings.BASE_DIR / "huimin" / "core" / "static" / "huimin" / "huimin.css"
    assert b"".join(response.streaming_content) == source.read_bytes()


def test_the_stylesheet_is_served_compressed_to_a_browser_that_accepts_it(db):
    client = Client()
    response = client.get(_stylesheet_url(client), HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] in ("gzip", "br")


def test_only_the_hashed_copies_are_compressed_and_source_maps_not_at_all(db):
    root = settings.STATIC_ROOT
    hashed = next(root.glob("huimin/huimin.*.css"))
    assert (root / f"{hashed.relative_to(root)}.br").is_file()
    assert (root / f"{hashed.relative_to(root)}.gz").is_file()
    assert not (root / "huimin" / "huimin.css.br").exists()
    source_maps = list(root.glob("**/*.map"))
    assert source_maps, "the API documentation's bundles come with source maps"
    assert not [path for path in source_maps if path.with_name(path.name + ".br").exists()]


def test_small_files_get_brotli_at_its_best_and_large_bundles_still_round_trip():
    import brotli

    from huimin.core.static_storage import LARGE_FILE_BYTES, _QuickerCompressor

    small = b"body { color: #222; }\n" * 100
    assert _QuickerCompressor.compress_brotli(small) == brotli.compress(small)
    large = bytes(range(256)) * (LARGE_FILE_BYTES // 256 + 1)
    assert brotli.decompress(_QuickerCompressor.compress_brotli(large)) == large
