from django.apps import AppConfig


class SynthConfig(AppConfig):
    name = "cancuoc.synth"
    verbose_name = "Tỉnh mô phỏng"
