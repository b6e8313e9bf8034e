from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "security"
    verbose_name = "安保"

    def ready(self) -> None:
        from security import checks, handlers  # noqa: F401  (registers gate handlers and checks)
