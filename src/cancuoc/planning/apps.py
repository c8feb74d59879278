from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "cancuoc.planning"
    verbose_name = "Kế hoạch"
