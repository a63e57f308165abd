"""Typed readers for settings that come from the environment.

Each reader fails loudly, naming the variable, so a mistyped value stops start-up instead of
quietly running with a default. Secrets may also come from `<NAME>_FILE`, the path of a file
holding the value (how container platforms mount them).
"""

import os
from pathlib import Path


class ImproperSetting(Exception):
    """A setting from the environment is missing or malformed."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"environment variable {name}: {problem}")


def _raw(name: str) -> str | None:
    file_path = os.environ.get(f"{name}_FILE")
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
