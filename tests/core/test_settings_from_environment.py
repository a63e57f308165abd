import os
import subprocess
import sys

import pytest

from huimin import env
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


def _start(module: str = "huimin.settings", **env: str) -> subprocess.CompletedProcess:
    """Start-up in a fresh process, with no `.env` file unless the test names one."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HUIMIN_", "DATABASE_URL"))}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import {module}; print({module}.HUIMIN_ENV)"],
        env={**clean, "HUIMIN_ENV_FILE": "", **env},
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


def _env_file(tmp_path, text: str) -> str:
    path = tmp_path / "huimin.env"
    path.write_text(text)
    return str(path)


def test_a_env_file_supplies_what_the_environment_does_not(tmp_path):
    result = _start(HUIMIN_ENV_FILE=_env_file(tmp_path, "HUIMIN_ENV=demo\n"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "demo"


def test_the_environment_wins_over_the_env_file(tmp_path):
    result = _start(
        HUIMIN_ENV="production", HUIMIN_ENV_FILE=_env_file(tmp_path, "HUIMIN_ENV=demo\n")
    )
    assert result.returncode != 0
    assert "HUIMIN_SECRET_KEY" in result.stderr


def test_a_named_env_file_that_is_missing_stops_start_up(tmp_path):
    result = _start(HUIMIN_ENV_FILE=str(tmp_path / "nowhere.env"))
    assert result.returncode != 0
    assert "HUIMIN_ENV_FILE" in result.stderr


def test_the_env_file_is_the_project_roots_unless_one_is_named(monkeypatch, tmp_path):
    monkeypatch.delenv("HUIMIN_ENV_FILE", raising=False)
    assert env.env_file_path() == env.PROJECT_DIR / ".env"
    monkeypatch.setenv("HUIMIN_ENV_FILE", str(tmp_path / "elsewhere.env"))
    assert env.env_file_path() == tmp_path / "elsewhere.env"


def test_the_test_settings_read_no_env_file(tmp_path):
    named = _env_file(tmp_path, "HUIMIN_TASKS=not-a-backend\nHUIMIN_ENV=production\n")
    result = _start("huimin.settings_test", HUIMIN_ENV_FILE=named)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "test"


def test_the_demo_env_file_is_written_once_and_never_overwritten(monkeypatch, tmp_path):
    path = tmp_path / ".env"
    monkeypatch.setenv("HUIMIN_ENV_FILE", str(path))
    assert env.demo_env_file_write() == (path, True)
    assert "HUIMIN_ENV=demo" in path.read_text()
    path.write_text("HUIMIN_ENV=production\n")
    assert env.demo_env_file_write() == (path, False)
    assert path.read_text() == "HUIMIN_ENV=production\n"


def test_production_refuses_to_start_without_a_secret_key_even_with_a_demo_file_elsewhere(
    tmp_path,
):
    """`make demo`'s file is read only where start-up looks for it."""
    _env_file(tmp_path, "HUIMIN_ENV=demo\n")
    result = _start()
    assert result.returncode != 0
    assert "HUIMIN_SECRET_KEY" in result.stderr
