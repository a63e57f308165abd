from django.urls import path

from huimin.citizens.views import staff

urlpatterns = [
    path("accounts/link/", staff.account_link, name="citizen-account-link"),
]
