from django.urls import include, path

from huimin.registry import views

app_name = "registry"

urlpatterns: list = [
    path("", views.search, name="search"),
    path("villages/", views.villages, name="villages"),
    path("households/new/", views.household_create, name="household-create"),
    path("households/<int:household_id>/", views.household_detail, name="household"),
    path("households/<int:household_id>/edit/", views.household_edit, name="household-edit"),
    path("households/<int:household_id>/as-of/", views.household_as_of, name="household-as-of"),
    path("households/<int:household_id>/payee/", views.household_payee, name="household-payee"),
    path("households/<int:household_id>/head/", views.household_head, name="household-head"),
    path("households/<int:household_id>/reveal/", views.household_reveal, name="household-reveal"),
    path("households/<int:household_id>/members/new/", views.person_add, name="person-add"),
    path("households/<int:household_id>/assets/new/", views.asset_add, name="asset-add"),
    path("persons/<int:person_id>/edit/", views.person_edit, name="person-edit"),
    path("persons/<int:person_id>/reveal/", views.person_reveal, name="person-reveal"),
    path("persons/<int:person_id>/move/", views.person_transfer, name="person-transfer"),
    path("persons/<int:person_id>/death/", views.person_death, name="person-death"),
    path("persons/<int:person_id>/incomes/new/", views.income_add, name="income-add"),
    path("incomes/<int:income_id>/end/", views.income_end, name="income-end"),
    path("assets/<int:asset_id>/end/", views.asset_end, name="asset-end"),
    # Import, export and bulk work live in registry/bulk.
    path("", include("huimin.registry.bulk.urls")),
]
