from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "cancuoc.reports"
    verbose_name = "Báo cáo"
