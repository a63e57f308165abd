import os
import subprocess
import sys

import pytest

from huimin.env import ImproperSetting, env_bool, env_int, env_str


def test_a_bad_boolean_names_the_variable(monkeypatch):
    monkeypatch.setenv("HUIMIN_DEBUG", "perhaps")
    with pytest.raises(ImproperSetting, match="HUIMIN_DEBUG"):
        env_bool("HUIMIN_DEBUG")


def test_a_bad_number_names_the_variable(monkeypatch):
    monkeypatch.setenv("HUIMIN_SESSION_SECONDS", "eight hours")
    with pytest.raises(ImproperSetting, match="HUIMIN_SESSION_SECONDS"):
        env_int("HUIMIN_SESSION_SECONDS", 1)


def test_a_secret_can_come_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "key"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("HUIMIN_SECRET_KEY_FILE", str(secret))
    assert env_str("HUIMIN_SECRET_KEY") == "from-a-file"


def _start(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HUIMIN_", "DATABASE_URL"))}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import huimin.settings"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _start(HUIMIN_ENV="production")
    assert result.returncode != 0
    assert "HUIMIN_SECRET_KEY" in result.stderr


def test_production_refuses_a_malformed_database_url():
    result = _start(
        HUIMIN_ENV="production",
        HUIMIN_SECRET_KEY="s" * 50,
        HUIMIN_DATA_KEY="x" * 44,
        HUIMIN_AUDIT_KEY="a" * 40,
        DATABASE_URL="mysql://somewhere/db",
    )
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr
