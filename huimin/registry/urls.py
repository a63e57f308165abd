from django.urls import include, path

app_name = "registry"

urlpatterns: list = [
    # Import, export and bulk work live in registry/bulk.
    path("", include("huimin.registry.bulk.urls")),
]
