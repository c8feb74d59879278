from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "cancuoc.scheduling"
    verbose_name = "Hẹn lịch và mô phỏng"
