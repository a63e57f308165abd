from django.urls import path

from huimin.payments import views, views_funds

app_name = "payments"

urlpatterns = [
    path("", views.cycle_list, name="cycles"),
    path("allocations/", views_funds.allocation_list, name="allocations"),
    path("allocations/<int:allocation_id>/", views_funds.allocation_detail, name="allocation"),
    path(
        "allocations/<int:allocation_id>/adjust/",
        views_funds.allocation_adjust,
        name="allocation-adjust",
    ),
    path("ledger/", views_funds.ledger, name="ledger"),
    path("cycles/<int:cycle_id>/", views.cycle_detail, name="cycle"),
    path("cycles/<int:cycle_id>/action/", views.cycle_action, name="cycle-action"),
    path("cycles/<int:cycle_id>/bank-file/", views.bank_file, name="bank-file"),
    path("cycles/<int:cycle_id>/return/", views.return_upload, name="return-upload"),
    path("cycles/<int:cycle_id>/cash-roll/", views.cash_roll, name="cash-roll"),
    path("cycles/<int:cycle_id>/sample/", views.visits_draw, name="visits-draw"),
    path("exceptions/<int:exception_id>/", views.exception_decide, name="exception-decide"),
    path("lines/<int:line_id>/follow-up/", views.line_follow_up, name="line-follow-up"),
    path("lines/<int:line_id>/cash/", views.cash_receipt, name="cash-receipt"),
    path("lines/<int:line_id>/visit/", views.visit_record, name="visit-record"),
    path(
        "households/<int:household_id>/collectors/",
        views.household_collectors,
        name="household-collectors",
    ),
    path(
        "authorizations/<int:authorization_id>/revoke/",
        views.authorization_revoke,
        name="authorization-revoke",
    ),
    path(
        "households/<int:household_id>/recoveries/",
        views.household_recoveries,
        name="household-recoveries",
    ),
    path("recoveries/<int:recovery_id>/waive/", views.recovery_waive, name="recovery-waive"),
]
