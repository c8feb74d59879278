from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "cancuoc.reports"
    verbose_name = "Báo cáo"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the listeners to intake.signals)
