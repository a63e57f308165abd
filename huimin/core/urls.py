from django.contrib.auth import views as auth_views
from django.urls import include, path

from huimin.core import views
from huimin.core.administration import views as administration

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/password/", administration.own_password, name="account-password"),
    path("administration/", include("huimin.core.administration.urls")),
    path("jobs/", views.job_list, name="job-list"),
    path("jobs/<int:job_id>/row/", views.job_row, name="job-row"),
    path("jobs/<int:job_id>/retry/", views.job_retry, name="job-retry"),
    path("tokens/", views.token_list, name="token-list"),
    path("tokens/new/", views.token_create, name="token-create"),
    path("tokens/all/", views.token_admin, name="token-admin"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token-revoke"),
    path("audit/", views.audit_list, name="audit-list"),
    path("audit/verify/", views.audit_verify_start, name="audit-verify"),
]
