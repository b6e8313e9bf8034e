from django.apps import AppConfig


class CanteenConfig(AppConfig):
    name = "canteen"
    verbose_name = "食堂与超市"

    def ready(self) -> None:
        from canteen import checks, handlers  # noqa: F401  (registers the POS payment handlers and deploy checks)
