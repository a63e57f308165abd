from django.urls import path

from huimin.simulation import views

app_name = "simulation"

urlpatterns = [
    path("", views.scenario_list, name="scenarios"),
    path("scenarios/<int:scenario_id>/", views.scenario_detail, name="scenario"),
    path("scenarios/<int:scenario_id>/run", views.scenario_run, name="scenario-run"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path(
        "runs/<int:run_id>/export.xlsx", views.run_export, {"file_format": "xlsx"}, name="run-xlsx"
    ),
    path("runs/<int:run_id>/export.csv", views.run_export, {"file_format": "csv"}, name="run-csv"),
]
