from django.urls import path

from huimin.citizens.views import public

urlpatterns = [
    path("", public.portal_home, name="portal-home"),
    path("guide/", public.program_guide, name="portal-guide"),
    path("check/", public.precheck_page, name="portal-precheck"),
]
