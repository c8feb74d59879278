from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "cancuoc.imports"
    verbose_name = "Nhập dữ liệu dân cư"
