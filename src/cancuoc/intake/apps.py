from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "cancuoc.intake"
    verbose_name = "Thu nhận hồ sơ, vòng đời thẻ"
