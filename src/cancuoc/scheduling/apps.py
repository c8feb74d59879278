from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "cancuoc.scheduling"
    verbose_name = "Hẹn lịch và mô phỏng"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the listeners to intake.signals)
