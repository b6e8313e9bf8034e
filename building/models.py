"""Places. Every domain row in the platform belongs to a Site."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Site(models.Model):
    # Appears in MQTT topics and in device usernames "dev-<site>-<device>": no hyphen, so the
    # username splits unambiguously.
    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        validators=[RegexValidator(r"^[a-z0-9_]+$", _("Lower-case letters, digits and _ only."))],
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Building(models.Model):
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="buildings")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["site", "code"]
        constraints = [models.UniqueConstraint(fields=["site", "code"], name="building_code_per_site")]

    def __str__(self) -> str:
        return self.name


class Floor(models.Model):
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey(Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="floors")
    level = models.IntegerField(_("level"))  # negative for basements
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("floor")
        verbose_name_plural = _("floors")
        ordering = ["building", "level"]
        constraints = [models.UniqueConstraint(fields=["building", "level"], name="floor_level_per_building")]

    def __str__(self) -> str:
        return f"{self.building} {self.name}"

    def clean(self) -> None:
        if self.building_id and self.site_id and self.building.site_id != self.site_id:
            raise ValidationError(_("The floor must be on the same site as its building."))


class Space(models.Model):
    class Kind(models.TextChoices):
        OFFICE = "office", _("office")
        MEETING_ROOM = "meeting_room", _("meeting room")
        LOBBY = "lobby", _("lobby")
        CANTEEN = "canteen", _("canteen")
        SHOP = "shop", _("shop")
        PARKING = "parking", _("parking")
        CORRIDOR = "corridor", _("corridor")
        PLANT_ROOM = "plant_room", _("plant room")
        OTHER = "other", _("other")

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    floor = models.ForeignKey(Floor, verbose_name=_("floor"), on_delete=models.PROTECT, related_name="spaces")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)

    class Meta:
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        ordering = ["floor", "code"]
        constraints = [models.UniqueConstraint(fields=["site", "code"], name="space_code_per_site")]

    def __str__(self) -> str:
        return f"{self.floor} {self.name}"

    def clean(self) -> None:
        if self.floor_id and self.site_id and self.floor.site_id != self.site_id:
            raise ValidationError(_("The space must be on the same site as its floor."))
