"""Every write of casework: one function per change, each in one transaction with its audit event.

An application moves through the steps its program's procedure lists (`procedure.py`). Each step
function locks the application (`select_for_update`) before it reads the open step, so two staff
acting at once queue and the second sees the first's result. Whoever prepared any step of a case
cannot decide it (separation of duties, DESIGN.md).

The functions live in modules by stage; this package re-exports them, so callers write
`from huimin.casework import services` and `services.application_create(...)`.
"""

from huimin.casework.services.applications import (
    application_create,
    application_submit_online,
    application_withdraw,
    procedure_resume,
    procedure_suspend,
)
from huimin.casework.services.carry_over import (
    CarriedOver,
    CarryOverRefused,
    CarryOverRow,
    caseload_carry_over,
)
from huimin.casework.services.changes import ages_reached, change_close, registry_changed
from huimin.casework.services.decisions import (
    appeal_record,
    current_decision,
    decision_approve,
    decision_refuse,
    entitlement_create,
    letter_issue,
    preparers_of,
)
from huimin.casework.services.outreach import outreach_apply, outreach_mark, outreach_run
from huimin.casework.services.recipients import recipients_export_record
from huimin.casework.services.relatives import relative_declare, relative_review_record
from huimin.casework.services.reviews import RUNNING, review_decide, review_propose
from huimin.casework.services.spot_checks import spot_check_draw, spot_check_record
from huimin.casework.services.steps import (
    HOME_VISIT_ITEMS,
    appraisal_record,
    home_visit_record,
    notice_close,
    notice_publish,
    objection_answer,
    objection_record,
    township_opinion_record,
)
from huimin.casework.services.supervision import application_reassign, procedure_extend
from huimin.casework.services.verification import (
    authorization_record,
    document_attach,
    document_attach_online,
    document_read,
    finding_accept,
    finding_dismiss,
    findings_record,
    has_authorization,
    verification_complete,
    verification_run,
)

__all__ = [
    "CarriedOver",
    "CarryOverRefused",
    "CarryOverRow",
    "caseload_carry_over",
    "RUNNING",
    "HOME_VISIT_ITEMS",
    "ages_reached",
    "appeal_record",
    "change_close",
    "recipients_export_record",
    "registry_changed",
    "relative_declare",
    "relative_review_record",
    "application_create",
    "application_submit_online",
    "spot_check_draw",
    "spot_check_record",
    "application_reassign",
    "procedure_extend",
    "application_withdraw",
    "appraisal_record",
    "authorization_record",
    "current_decision",
    "decision_approve",
    "decision_refuse",
    "document_attach",
    "document_attach_online",
    "document_read",
    "entitlement_create",
    "finding_accept",
    "finding_dismiss",
    "findings_record",
    "has_authorization",
    "home_visit_record",
    "letter_issue",
    "notice_close",
    "notice_publish",
    "objection_answer",
    "objection_record",
    "outreach_apply",
    "outreach_mark",
    "outreach_run",
    "preparers_of",
    "procedure_resume",
    "procedure_suspend",
    "review_decide",
    "review_propose",
    "township_opinion_record",
    "verification_complete",
    "verification_run",
]
