from django.apps import AppConfig


class CanteenConfig(AppConfig):
    name = "canteen"
    verbose_name = "食堂与超市"
