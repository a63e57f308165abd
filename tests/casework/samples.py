"""A whole casework case in caseworker B's county carrying a marker, for the jurisdiction walk.

One case per walk: taken, verified with a finding, visited, appraised, objected to on its
notice, visited and noticed again, approved, its letter handed over and its entitlement made.
"""

import datetime as dt

from django.utils import timezone

from huimin.casework import services
from huimin.casework.models import DocumentKind
from huimin.core import roles
from huimin.core.models import User
from tests.casework import cases
from tests.conftest import make_user
from tests.registry import samples as registry_samples


def _staff(username: str, role: str) -> User:
    found = User.objects.filter(username=username).first()
    return found or make_user(username, role, ["532922"])


def case(other: User, marker: str) -> dict[str, object]:
    """The records of one case, made once per owner (kept on the user object)."""
    made = getattr(other, "_casework_sample", None)
    if made is not None:
        return made
    cast = {
        "colleague": _staff("colleague_b", roles.CASEWORKER),
        "helper": _staff("helper_b", roles.VILLAGE_HELPER),
    }
    approver = _staff("approver_b", roles.APPROVER)
    household = registry_samples.household(other, marker)
    application = services.application_create(
        actor=other,
        household=household,
        applicant=household.members.get(relation="head"),
        program="dibao",
        channel="window",
        statement=f"{marker}申请",
    )
    document = services.document_attach(
        actor=other,
        application=application,
        kind=DocumentKind.AUTHORIZATION,
        file_name="授权书.pdf",
        data=b"%PDF-1.4 " + marker.encode(),
    )
    services.authorization_record(
        actor=other,
        application=application,
        signers=list(household.members.all()),
        signed_on=timezone.localdate(),
        document=document,
    )
    [finding] = services.findings_record(
        actor=other,
        application=application,
        purpose="低保审核",
        found={"vehicles": [{"kind": "note", "summary": marker, "data": {}}]},
    )
    services.finding_dismiss(actor=other, finding=finding, reason=marker)
    services.verification_complete(actor=other, application=application)
    cases.visit(other, cast["colleague"], application)
    services.appraisal_record(
        actor=cast["helper"],
        application=application,
        held_on=timezone.localdate(),
        present=5,
        in_favour=5,
    )
    services.township_opinion_record(
        actor=other, application=application, recommend=True, note=marker
    )
    notice = cases.post_notice(cast["helper"], application)
    objection = services.objection_record(
        actor=cast["helper"],
        application=application,
        notice=notice,
        text=marker,
        received_on=notice.starts_on,
    )
    services.objection_answer(actor=other, objection=objection, answer=marker)
    cases.visit(other, cast["colleague"], application)
    again = services.notice_publish(
        actor=cast["helper"],
        village_code=application.region_code,
        starts_on=timezone.localdate() - dt.timedelta(days=4),
    )
    services.notice_close(actor=cast["helper"], notice=again)
    services.decision_approve(actor=approver, application=application)
    services.letter_issue(actor=approver, application=application)
    entitlement = services.entitlement_create(actor=approver, application=application)
    review = services.review_propose(actor=other, entitlement=entitlement)
    change = services.registry_changed(
        actor=other, kind="income", household=household, on=timezone.localdate()
    )
    assert change is not None
    # and one still open, for the worklist
    waiting = registry_samples.household(other, marker)
    services.application_create(
        actor=other,
        household=waiting,
        applicant=waiting.members.get(relation="head"),
        program="dibao",
        channel="village_helper",
        statement=marker,
    )
    registry_samples.household(other, marker)  # one that appears to qualify, for outreach
    candidate = services.outreach_run(actor=other)[0]
    made = {
        "candidate_id": candidate.pk,
        "application_id": application.pk,
        "document_id": document.pk,
        "finding_id": finding.pk,
        "notice_id": notice.pk,
        "objection_id": objection.pk,
        "entitlement_id": entitlement.pk,
        "review_id": review.pk,
        "change_id": change.pk,
    }
    other._casework_sample = made  # type: ignore[attr-defined]
    return made
