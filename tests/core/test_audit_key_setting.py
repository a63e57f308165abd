"""The audit key is a secret like the data key: required in production, readable from a file."""

import os
import subprocess
import sys

PRINT_KEY = "import huimin.settings as s; print(s.HUIMIN_AUDIT_KEY)"


def _start(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HUIMIN_", "DATABASE_URL"))}
    production = {
        "HUIMIN_ENV": "production",
        "HUIMIN_SECRET_KEY": "s" * 50,
        "HUIMIN_DATA_KEY": "x" * 44,
        "DATABASE_URL": "sqlite:////tmp/huimin-audit-key-setting.sqlite3",
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", PRINT_KEY],
        env={**clean, **production, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_refuses_to_start_production_without_an_audit_key():
    result = _start()
    assert result.returncode != 0
    assert "HUIMIN_AUDIT_KEY" in result.stderr


def test_it_refuses_a_short_audit_key():
    result = _start(HUIMIN_AUDIT_KEY="too short")
    assert result.returncode != 0
    assert "at least 32" in result.stderr


def test_it_reads_the_audit_key_from_a_file(tmp_path):
    secret = tmp_path / "audit-key"
    secret.write_text("k" * 40 + "\n")
    result = _start(HUIMIN_AUDIT_KEY_FILE=str(secret))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "k" * 40
