from django.apps import AppConfig


class ClinicInboxConfig(AppConfig):
    name = "clinic_inbox"
    verbose_name = "Cases"
