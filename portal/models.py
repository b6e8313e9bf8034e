from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from building.models import Site


class Department(models.Model):
    """Agency departments form a tree (bureau -> division -> section)."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="departments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["site", "code"]
        constraints = [models.UniqueConstraint(fields=["site", "code"], name="department_code_per_site")]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list["Department"]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class User(AbstractUser):
    """Everyone who signs in: staff, contractors, guards, cashiers, managers. Roles are groups."""

    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    employee_no = models.CharField(_("employee number"), max_length=32, null=True, blank=True, unique=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")  # type: ignore[assignment]
        verbose_name_plural = _("users")  # type: ignore[assignment]
        permissions = [("use_portal", "Can use the staff portal")]

    def __str__(self) -> str:
        full = f"{self.last_name}{self.first_name}".strip()  # Chinese order: family name first
        return full or self.username

    @property
    def roles(self) -> list[str]:
        return sorted(g.name for g in self.groups.all())

    def has_role(self, role: str) -> bool:
        return self.groups.filter(name=role).exists()
