from django.urls import path

from huimin.core.administration import views

app_name = "administration"

urlpatterns = [
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_new, name="user-new"),
    path("users/<int:user_id>/", views.user_detail, name="user"),
    path("users/<int:user_id>/disable/", views.user_disable, name="user-disable"),
    path("users/<int:user_id>/enable/", views.user_enable, name="user-enable"),
    path("users/<int:user_id>/password/", views.user_password, name="user-password"),
    path("users/<int:user_id>/roles/", views.user_roles, name="user-roles"),
    path("users/<int:user_id>/regions/", views.user_regions, name="user-regions"),
    path("regions/townships/", views.region_options, name="townships"),
]
