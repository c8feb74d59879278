from django.apps import AppConfig


class DedupConfig(AppConfig):
    name = "cancuoc.dedup"
    verbose_name = "Trùng lặp / Duplicates"
