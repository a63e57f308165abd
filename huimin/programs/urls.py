from django.urls import path

from huimin.programs import views

app_name = "programs"

urlpatterns = [
    path(
        "households/<int:household_id>/", views.household_eligibility, name="household-eligibility"
    ),
    path("parameters/", views.parameter_list, name="parameters"),
    path("parameters/change/", views.parameter_change, name="parameter-change"),
    path(
        "parameters/proposals/<int:proposal_id>/",
        views.parameter_proposal,
        name="parameter-proposal",
    ),
    path(
        "parameters/proposals/<int:proposal_id>/decide/",
        views.parameter_proposal_decide,
        name="parameter-proposal-decide",
    ),
]
