import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def in_english():
    """The tests read the English messages; test_bank_messages_in_chinese reads the Chinese."""
    with translation.override("en"):
        yield
