from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from building.models import Site


class Department(models.Model):
    """Agency departments form a tree (bureau -> division -> section)."""

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="departments")
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
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

    site = models.ForeignKey(Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    employee_no = models.CharField(_("employee number"), max_length=32, null=True, blank=True, unique=True)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")  # type: ignore[assignment]
        verbose_name_plural = _("users")  # type: ignore[assignment]
        permissions = [("use_portal", "Can use the staff portal")]

    def __str__(self) -> str:
        full = f"{self.last_name}{self.first_name}".strip()  # Chinese order: family name first
        return full or self.username

    def get_full_name(self) -> str:
        return f"{self.last_name}{self.first_name}".strip()

    def get_short_name(self) -> str:
        # The admin greets with the short name: a Chinese given name alone ("理员") reads wrong.
        return self.get_full_name() or self.username

    @property
    def roles(self) -> list[str]:
        return sorted(g.name for g in self.groups.all())

    def has_role(self, role: str) -> bool:
        return self.groups.filter(name=role).exists()


class ApiToken(models.Model):
    """A bearer token for the phone app and integrations (POST /api/auth/token/).

    Only a SHA-256 of the token is kept: it is a random 256-bit secret, shown once. Revoked
    tokens stay as a record of who had access when."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    key_sha256 = models.CharField(_("key hash"), max_length=64, unique=True)
    hint = models.CharField(_("hint"), max_length=8)  # the last characters, to tell tokens apart
    name = models.CharField(_("name"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} …{self.hint}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None
