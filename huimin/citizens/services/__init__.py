"""Every write of the citizens app, by sub-domain: accounts (sign-in, linking, applying online)
and requests (诉求: filing, answering, escalating, rating)."""

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
    "request_answer",
    "request_file",
    "request_rate",
    "requests_escalate_overdue",
    "sign_in_code_send",
]
