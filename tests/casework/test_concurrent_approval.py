import threading

import pytest
from django.db import connection

from huimin.casework import services
from huimin.casework.models import Decision
from huimin.core import roles
from huimin.core.errors import Conflict
from tests.casework import cases
from tests.conftest import make_user, requires_postgres


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once_exactly_one_succeeds(caseworker_a, approver_a, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    cast = cases.staff()
    application = cases.dibao_application(caseworker_a)
    cases.to_decision(caseworker_a, cast, application)
    approvers = [approver_a, make_user("approver_2", roles.APPROVER, ["532901"])]
    start = threading.Barrier(len(approvers))
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def approve(approver) -> None:
        try:
            start.wait()
            services.decision_approve(actor=approver, application=application)
            outcomes.append("approved")
        except Conflict:
            outcomes.append("refused")
        except BaseException as error:  # noqa: BLE001 - collected and re-raised by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(a,)) for a in approvers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(outcomes) == ["approved", "refused"]
    assert Decision.objects.filter(application=application).count() == 1
