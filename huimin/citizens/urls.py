from django.urls import path

from huimin.citizens.views import account, public, requests

urlpatterns = [
    path("", public.portal_home, name="portal-home"),
    path("guide/", public.program_guide, name="portal-guide"),
    path("check/", public.precheck_page, name="portal-precheck"),
    path("sign-in/", account.sign_in, name="portal-sign-in"),
    path("sign-in/code/", account.sign_in_code, name="portal-sign-in-code"),
    path("sign-out/", account.sign_out, name="portal-sign-out"),
    path("me/", account.me, name="portal-me"),
    path("apply/", account.apply, name="portal-apply"),
    path(
        "applications/<int:application_id>/letter/",
        account.decision_letter,
        name="portal-letter",
    ),
    path("requests/new/", requests.request_new, name="portal-request-new"),
    path("requests/", requests.my_requests, name="portal-requests"),
    path("requests/<int:request_id>/rate/", requests.request_rate_view, name="portal-request-rate"),
]
