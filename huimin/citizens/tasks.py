"""Background work of citizens: sending the notices a change recorded, after its commit."""

from django_tasks import task

from huimin.citizens.services.notices import notice_deliver


@task()
def send_notices(notice_ids: list[int]) -> None:
    """Runs again safely: a notice already claimed or sent is skipped, never sent twice."""
    for notice_id in notice_ids:
        notice_deliver(notice_id=notice_id)
