from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from core.roles import roles_sync_on_migrate

        post_migrate.connect(roles_sync_on_migrate, sender=self)
