"""The only way a view or an API route gets a casework record: 404 outside jurisdiction."""

from django.contrib.auth.models import AnonymousUser

from huimin.casework.models import (
    Application,
    CircumstanceChange,
    Document,
    Entitlement,
    Finding,
    Notice,
    Objection,
    OutreachCandidate,
    Review,
    SpotCheck,
    SpotCheckItem,
)
from huimin.core.access import get_object_for
from huimin.core.models import User


def get_application_for(user: User | AnonymousUser, application_id: int) -> Application:
    return get_object_for(
        user,
        Application.objects.select_related("household", "applicant", "created_by"),
        pk=application_id,
    )


def get_document_for(user: User | AnonymousUser, document_id: int) -> Document:
    return get_object_for(
        user,
        Document.objects.select_related("application"),
        field="application__region_code",
        pk=document_id,
    )


def get_finding_for(user: User | AnonymousUser, finding_id: int) -> Finding:
    return get_object_for(
        user,
        Finding.objects.select_related("step__application"),
        field="step__application__region_code",
        pk=finding_id,
    )


def get_objection_for(user: User | AnonymousUser, objection_id: int) -> Objection:
    return get_object_for(
        user,
        Objection.objects.select_related("application", "notice"),
        field="application__region_code",
        pk=objection_id,
    )


def get_notice_for(user: User | AnonymousUser, notice_id: int) -> Notice:
    return get_object_for(user, Notice.objects.all(), pk=notice_id)


def get_entitlement_for(user: User | AnonymousUser, entitlement_id: int) -> Entitlement:
    return get_object_for(
        user,
        Entitlement.objects.select_related("household", "person", "decision"),
        pk=entitlement_id,
    )


def get_review_for(user: User | AnonymousUser, review_id: int) -> Review:
    return get_object_for(user, Review.objects.select_related("entitlement"), pk=review_id)


def get_change_for(user: User | AnonymousUser, change_id: int) -> CircumstanceChange:
    return get_object_for(user, CircumstanceChange.objects.all(), pk=change_id)


def get_outreach_for(user: User | AnonymousUser, candidate_id: int) -> OutreachCandidate:
    return get_object_for(
        user, OutreachCandidate.objects.select_related("household"), pk=candidate_id
    )


def get_spot_check_for(user: User | AnonymousUser, spot_check_id: int) -> SpotCheck:
    return get_object_for(user, SpotCheck.objects.select_related("drawn_by"), pk=spot_check_id)


def get_spot_check_item_for(user: User | AnonymousUser, item_id: int) -> SpotCheckItem:
    return get_object_for(
        user, SpotCheckItem.objects.select_related("spot_check", "decision"), pk=item_id
    )
