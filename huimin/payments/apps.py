from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "huimin.payments"
    label = "payments"
    verbose_name = "Payments"
