"""`huimin demo` sets up only a demo installation, and its last words are where to open it and
with which password."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from huimin.core.demo import DEMO_PASSWORD


def test_the_demo_refuses_an_installation_that_is_not_a_demo(db, settings):
    settings.HUIMIN_ENV = "production"
    with pytest.raises(CommandError, match="HUIMIN_ENV=demo"):
        call_command("demo", "--no-serve")


def test_the_demo_ends_with_the_address_to_open_and_the_password(db, settings, tmp_path):
    settings.HUIMIN_ENV = "demo"
    settings.STATIC_ROOT = tmp_path / "static"
    out = StringIO()
    call_command(
        "demo",
        "--no-serve",
        "--persons",
        "30",
        "--other-persons",
        "10",
        "--addrport",
        "127.0.0.1:8765",
        stdout=out,
    )
    last = out.getvalue().strip().splitlines()[-1]
    assert "http://127.0.0.1:8765/" in last
    assert DEMO_PASSWORD in last
    assert (tmp_path / "static" / "staticfiles.json").is_file()
    assert "casework: no demo caseload: the township 532901003 has" in out.getvalue()
