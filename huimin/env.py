"""Typed readers for settings that come from the environment.

Each reader fails loudly, naming the variable, so a mistyped value stops start-up instead of
quietly running with a default. Secrets may also come from `<NAME>_FILE`, the path of a file
holding the value (how container platforms mount them).

Variables may also be written in a `.env` file (python-dotenv's format) at the project root, or
in the file HUIMIN_ENV_FILE names; the environment wins over the file. HUIMIN_ENV_FILE set to an
empty value reads no file (the test settings do that, so a developer's `.env` stays out of them).
"""

import os
import sys
from pathlib import Path

from dotenv import load_dotenv

PROJECT_DIR = Path(__file__).resolve().parent.parent
ENV_FILE_VARIABLE = "HUIMIN_ENV_FILE"

# What `make demo` writes when there is no `.env` yet: the demo's well-known keys, public.
DEMO_ENV_FILE = """\
# Written by `make demo` for the demo installation; Huimin reads it at start-up, and a variable
# set in the environment wins over it. HUIMIN_ENV=demo uses well-known, PUBLIC keys: never put
# real people's data under it. A production installation sets HUIMIN_ENV=production and its own
# keys instead (README: Deployment).
HUIMIN_ENV=demo
"""


class ImproperSetting(Exception):
    """A setting from the environment is missing or malformed."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"environment variable {name}: {problem}")


def _raw(name: str) -> str | None:
    # HUIMIN_ENV is no secret, and HUIMIN_ENV_FILE names the `.env` file, not HUIMIN_ENV's value.
    file_path = os.environ.get(f"{name}_FILE") if f"{name}_FILE" != ENV_FILE_VARIABLE else None
    if file_path:
        try:
            return Path(file_path).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ImproperSetting(f"{name}_FILE", f"cannot read {file_path}: {error}") from error
    return os.environ.get(name)


def env_str(name: str, default: str | None = None) -> str:
    value = _raw(name)
    if value is None or value == "":
        if default is None:
            raise ImproperSetting(name, "is required and not set")
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = _raw(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperSetting(name, f"expected 1/0, true/false, yes/no or on/off, got {value!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError as error:
        raise ImproperSetting(name, f"expected a whole number, got {value!r}") from error
    if minimum is not None and number < minimum:
        raise ImproperSetting(name, f"expected at least {minimum}, got {number}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise ImproperSetting(name, f"expected one of {', '.join(choices)}, got {value!r}")
    return value


def env_file_path() -> Path | None:
    """The `.env` file start-up reads: HUIMIN_ENV_FILE's, else the project root's; None if none."""
    named = os.environ.get(ENV_FILE_VARIABLE)
    if named is not None:
        return Path(named) if named.strip() else None
    return PROJECT_DIR / ".env"


def env_file_load() -> Path | None:
    """Read the `.env` file into the environment, without overriding what is set; its path."""
    path = env_file_path()
    if path is None:
        return None
    if not path.is_file():
        if os.environ.get(ENV_FILE_VARIABLE):
            raise ImproperSetting(ENV_FILE_VARIABLE, f"{path} is not a readable file")
        return None
    load_dotenv(path, override=False, encoding="utf-8")
    return path


def demo_env_file_write() -> tuple[Path | None, bool]:
    """Write the demo's `.env` unless a file is already there; (its path, whether written)."""
    path = env_file_path()
    if path is None or path.exists():
        return path, False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(DEMO_ENV_FILE, encoding="utf-8")
    return path, True


def main(argv: list[str]) -> int:
    """`python -m huimin.env demo-file`: what `make demo` runs before Django can start."""
    if argv != ["demo-file"]:
        print("usage: python -m huimin.env demo-file", file=sys.stderr)
        return 2
    path, written = demo_env_file_write()
    if path is None:
        print(f"{ENV_FILE_VARIABLE} is empty: no .env file is read or written")
    elif written:
        print(f"wrote {path} (HUIMIN_ENV=demo)")
    else:
        print(f"kept the existing {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
