import pytest

from tests.casework import cases


@pytest.fixture
def cast(caseworker_a):
    """The county's second caseworker and its village helper, beside the shared cast."""
    return cases.staff()
