"""A payroll refreshes its lines' statistics even as the application's role, which owns no table:
a plain ANALYZE would be skipped by PostgreSQL with nothing but a warning."""

import datetime as dt

import pytest
from django.db import connection

from huimin.payments.lines_bulk import line_statistics_refresh, month_partition_ensure
from tests import postgres_roles
from tests.conftest import requires_postgres

pytestmark = [requires_postgres, pytest.mark.postgres, pytest.mark.django_db]


def _notices_of(action) -> list[str]:  # type: ignore[no-untyped-def]
    heard: list[str] = []
    raw = connection.connection
    handler = lambda notice: heard.append(notice.message_primary)  # noqa: E731
    raw.add_notice_handler(handler)
    try:
        action()
    finally:
        raw.remove_notice_handler(handler)
    return heard


MONTH = dt.date(2026, 11, 1)


def test_the_functions_run_with_the_owners_rights() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT proname, prosecdef FROM pg_proc WHERE proname IN "
            "('huimin_payment_lines_analyze', 'huimin_payment_lines_partition') "
            "AND pg_get_function_arguments(oid) = 'day date' ORDER BY 1"
        )
        assert cursor.fetchall() == [
            ("huimin_payment_lines_analyze", True),
            ("huimin_payment_lines_partition", True),
        ]


def test_refreshing_as_the_app_role_is_not_skipped() -> None:
    if not postgres_roles.APP_ROLE:
        pytest.skip("the tests run as the owner: nothing to prove about the application's role")
    connection.ensure_connection()

    def plain() -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE payments_paymentline")

    assert any("skipping" in notice for notice in _notices_of(plain)), "the role could ANALYZE"
    month_partition_ensure(MONTH)
    refresh = lambda: line_statistics_refresh(MONTH)  # noqa: E731
    assert not any("skipping" in notice for notice in _notices_of(refresh))
