from django.urls import path

from huimin.programs import views

app_name = "programs"

urlpatterns = [
    path(
        "households/<int:household_id>/", views.household_eligibility, name="household-eligibility"
    ),
]
