"""The lifetimes of import files and API tokens come from the environment, and must be positive."""

import pytest

from huimin.env import ImproperSetting, env_int


@pytest.mark.parametrize("name", ["HUIMIN_IMPORT_FILES_RETENTION_DAYS", "HUIMIN_API_TOKEN_DAYS"])
def test_a_lifetime_of_zero_days_is_refused(monkeypatch, name):
    monkeypatch.setenv(name, "0")
    with pytest.raises(ImproperSetting, match=name):
        env_int(name, 7, minimum=1)
    monkeypatch.setenv(name, "30")
    assert env_int(name, 7, minimum=1) == 30


def test_the_defaults():
    from huimin import settings as defaults

    assert defaults.IMPORT_FILES_RETENTION_DAYS == 7
    assert defaults.API_TOKEN_DAYS == 90
