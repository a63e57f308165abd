from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "huimin.programs"
    label = "programs"
    verbose_name = "Programs and parameters"
