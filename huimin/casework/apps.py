from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "huimin.casework"
    label = "casework"
    verbose_name = "Casework"
