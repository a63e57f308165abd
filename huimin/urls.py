from django.contrib import admin
from django.urls import include, path

from huimin.api.api import api

urlpatterns = [
    path("", include("huimin.core.urls")),
    path("registry/", include("huimin.registry.urls")),
    path("programs/", include("huimin.programs.urls")),
    path("simulation/", include("huimin.simulation.urls")),
    path("casework/", include("huimin.casework.urls")),
    path("payments/", include("huimin.payments.urls")),
    path("portal/", include("huimin.citizens.urls")),
    path("citizens/", include("huimin.citizens.staff_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
