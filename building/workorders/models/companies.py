"""Contractor companies, their people and their contracts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from building.models import Site


def default_sla() -> dict[str, Any]:
    # business hours to respond (accept) and to complete, per priority; urgent runs 24x7
    return {
        "low": {"response": 8, "completion": 40},
        "normal": {"response": 4, "completion": 16},
        "high": {"response": 2, "completion": 8},
        "urgent": {"response": 0.5, "completion": 4},
    }


def default_weights() -> dict[str, Any]:
    return {"response": 25, "completion": 35, "rating": 25, "reopen": 10, "complaints": 5}


class Company(models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    # The contractor's manager: notified of breaches (besides the dispatchers).
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("manager")
    )

    class Meta:
        verbose_name = _("contractor company")
        verbose_name_plural = _("contractor companies")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["site", "code"], name="company_code_per_site")]

    def __str__(self) -> str:
        return self.name


class CompanyMember(models.Model):
    """A contractor user works for one company: it sees that company's orders only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contractor_membership", verbose_name=_("user")
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="members", verbose_name=_("company"))

    class Meta:
        verbose_name = _("company member")
        verbose_name_plural = _("company members")

    def __str__(self) -> str:
        return f"{self.user} @ {self.company}"


class Contract(models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("company"))
    categories = models.JSONField(_("categories"), default=list)  # category codes (workorders.categories)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    sla = models.JSONField(_("SLA terms"), default=default_sla)
    monthly_fee_fen = models.PositiveBigIntegerField(_("monthly fee (fen)"))
    weights = models.JSONField(_("scoring weights"), default=default_weights)
    threshold = models.PositiveSmallIntegerField(_("full-pay threshold"), default=85)
    # Below the threshold the paid share is (base + score)% of the fee.
    reduced_share_base = models.PositiveSmallIntegerField(_("reduced pay base (%)"), default=15)
    incident_deduction_fen = models.PositiveBigIntegerField(_("deduction per serious incident (fen)"), default=200_000)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["company", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.company} {self.valid_from}"
