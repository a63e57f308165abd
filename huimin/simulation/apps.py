from django.apps import AppConfig


class SimulationConfig(AppConfig):
    name = "huimin.simulation"
    label = "simulation"
    verbose_name = "Policy simulation"
