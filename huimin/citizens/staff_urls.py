from django.urls import path

from huimin.citizens.views import requests, staff

urlpatterns = [
    path("accounts/link/", staff.account_link, name="citizen-account-link"),
    path("requests/", requests.staff_request_list, name="citizen-request-list"),
    path("requests/new/", requests.staff_request_new, name="citizen-request-new"),
    path("requests/report/", requests.staff_request_report, name="citizen-request-report"),
    path(
        "requests/<int:request_id>/",
        requests.staff_request_detail,
        name="citizen-request-detail",
    ),
]
