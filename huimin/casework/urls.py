from django.urls import path

from huimin.casework.views import (
    applications,
    decisions,
    notices,
    outreach,
    recipients,
    relatives,
    review_letters,
    spot_checks,
    supervision,
    worklist,
)

app_name = "casework"

urlpatterns = [
    path("", worklist.worklist, name="worklist"),
    path("team/", supervision.team, name="team"),
    path("spot-checks/", spot_checks.spot_checks, name="spot-checks"),
    path("spot-checks/<int:spot_check_id>/", spot_checks.spot_check, name="spot-check"),
    path("spot-checks/items/<int:item_id>/", spot_checks.spot_check_item, name="spot-check-item"),
    path(
        "applications/<int:application_id>/responsible/",
        supervision.application_reassign,
        name="reassign",
    ),
    path(
        "applications/<int:application_id>/extend/",
        supervision.procedure_extend,
        name="procedure-extend",
    ),
    path(
        "households/<int:household_id>/apply/",
        applications.application_start,
        name="application-start",
    ),
    path("applications/<int:application_id>/", applications.application_detail, name="application"),
    path("applications/<int:application_id>/step/", applications.step_do, name="step"),
    path(
        "applications/<int:application_id>/documents/",
        applications.document_upload,
        name="document-upload",
    ),
    path(
        "applications/<int:application_id>/authorization/",
        applications.authorization_add,
        name="authorization",
    ),
    path(
        "applications/<int:application_id>/procedure/",
        applications.procedure_change,
        name="procedure",
    ),
    path("applications/<int:application_id>/decision/", decisions.decision, name="decision"),
    path("applications/<int:application_id>/letter/", decisions.letter, name="letter"),
    path(
        "applications/<int:application_id>/verification/",
        applications.verification_run,
        name="verification",
    ),
    path("findings/<int:finding_id>/", applications.finding_decide, name="finding"),
    path("documents/<int:document_id>/", applications.document_download, name="document"),
    path("notices/", notices.notice_list, name="notices"),
    path("notices/<int:notice_id>/", notices.notice_detail, name="notice"),
    path("notices/<int:notice_id>/close/", notices.notice_close, name="notice-close"),
    path("notices/<int:notice_id>/objections/", notices.objection_add, name="objection-add"),
    path(
        "objections/<int:objection_id>/answer/", notices.objection_answer, name="objection-answer"
    ),
    path("entitlements/<int:entitlement_id>/", decisions.entitlement, name="entitlement"),
    path("entitlements/<int:entitlement_id>/review/", decisions.review_start, name="review-start"),
    path("reviews/<int:review_id>/", decisions.review_decide, name="review-decide"),
    path("reviews/<int:review_id>/letter/", review_letters.review_letter, name="review-letter"),
    path("households/<int:household_id>/", recipients.household_benefits, name="household"),
    path("recipients/", recipients.recipients, name="recipients"),
    path("changes/<int:change_id>/close/", recipients.change_close, name="change-close"),
    path("relatives/", relatives.relatives, name="relatives"),
    path("outreach/", outreach.outreach, name="outreach"),
    path("outreach/<int:candidate_id>/", outreach.outreach_act, name="outreach-act"),
    path(
        "applications/<int:application_id>/relative-review/",
        relatives.relative_review,
        name="relative-review",
    ),
]
