from django.apps import AppConfig


class CitizensConfig(AppConfig):
    name = "huimin.citizens"
    label = "citizens"
    verbose_name = "Citizens"
