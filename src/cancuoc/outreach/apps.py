from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "cancuoc.outreach"
    verbose_name = "Tuyên truyền, nhắn tin"
