import pytest


@pytest.fixture(autouse=True)
def _sms_outbox(settings, tmp_path):
    """Each test's texts go to its own outbox file."""
    settings.VAR_DIR = tmp_path / "var"
    settings.HUIMIN_SMS_BACKEND = "huimin.citizens.sms.FileBackend"
