from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "cancuoc.registry"
    verbose_name = "Cơ sở dữ liệu dân cư"
