"""The production entry point, `huimin-web` (gunicorn with Huimin's configuration), serves the
collected static files itself, under their hashed names, with DEBUG off."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.conf import settings


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, deadline_seconds: int = 180) -> tuple[int, str, bytes]:
    """GET once the server listens (it takes a moment to start)."""
    give_up = time.monotonic() + deadline_seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310
                return response.status, response.headers["Content-Type"], response.read()
        except OSError:  # not listening yet (refused), or its worker still starting (timeout)
            if time.monotonic() > give_up:
                raise
            time.sleep(0.2)


def test_gunicorn_serves_a_hashed_static_file():
    web = shutil.which("huimin-web", path=os.path.dirname(sys.executable))
    if web is None:
        pytest.fail("huimin-web is not installed beside this Python")
    manifest = json.loads((settings.STATIC_ROOT / "staticfiles.json").read_text())
    hashed = manifest["paths"]["huimin/huimin.css"]
    assert hashed != "huimin/huimin.css"
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [web],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "huimin.settings_test",
            "HUIMIN_BIND": f"127.0.0.1:{port}",
            "HUIMIN_WORKERS": "1",
            "HUIMIN_DEBUG": "0",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        status, content_type, body = _get(f"http://127.0.0.1:{port}/static/{hashed}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert status == 200
    assert content_type.startswith("text/css")
    assert body == (settings.STATIC_ROOT / hashed).read_bytes()
