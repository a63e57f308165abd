"""Every write of the citizens app, by sub-domain: accounts (sign-in, linking, applying online)
and requests (诉求: filing, answering, escalating, rating; the follow-up of a post-payment check
that found a payment not received in full)."""

from huimin.citizens.services.accounts import (
    CODE_ATTEMPTS,
    CODE_LIFETIME,
    CODES_PER_ADDRESS,
    CODES_PER_NUMBER,
    THROTTLE_WINDOW,
    citizen_account_link,
    citizen_application_submit,
    citizen_sign_in,
    normalize_mobile,
    sign_in_code_send,
)
from huimin.citizens.services.follow_ups import payment_follow_up_record
from huimin.citizens.services.requests import (
    request_answer,
    request_file,
    request_rate,
    requests_escalate_overdue,
)

__all__ = [
    "CODES_PER_ADDRESS",
    "CODES_PER_NUMBER",
    "CODE_ATTEMPTS",
    "CODE_LIFETIME",
    "THROTTLE_WINDOW",
    "citizen_account_link",
    "citizen_application_submit",
    "citizen_sign_in",
    "normalize_mobile",
    "payment_follow_up_record",
    "request_answer",
    "request_file",
    "request_rate",
    "requests_escalate_overdue",
    "sign_in_code_send",
]
