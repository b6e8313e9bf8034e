from django.utils.translation import gettext_lazy as _

from core.registry import DomainConfig
from core.roles import MANAGER


class CoreConfig(DomainConfig):
    name = "core"
    verbose_name = _("Core")
    permissions = {MANAGER: {"core.view_auditlog"}}
    modules = ("core.checks", "core.deploy_checks", "core.perm_cache")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from core.roles import roles_sync_on_migrate

        super().ready()
        post_migrate.connect(roles_sync_on_migrate, sender=self)
