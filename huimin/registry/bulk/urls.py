from django.urls import path

from huimin.registry.bulk import views

# Included by huimin/registry/urls.py, so the names live in the "registry" namespace.
urlpatterns: list = [
    path("import/", views.import_page, name="import"),
    path("import/template.csv", views.import_template_csv, name="import-template-csv"),
    path("import/template.xlsx", views.import_template_xlsx, name="import-template-xlsx"),
    path("import/<int:job_id>/", views.import_result, name="import-result"),
    path("import/<int:job_id>/apply/", views.import_apply, name="import-apply"),
    path("import/<int:job_id>/rejected/", views.import_rejected, name="import-rejected"),
    path("export/", views.export_page, name="export"),
    path("export/download/", views.export_download, name="export-download"),
    path("export/<int:export_id>/", views.export_result, name="export-result"),
    path("export/<int:export_id>/file/", views.export_file, name="export-file"),
]
