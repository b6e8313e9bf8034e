"""The monthly evaluation of a company: computed from the month's orders, adjusted, approved."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from building.workorders.models.companies import Company, Contract


class Evaluation(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        APPROVED = "approved", _("approved")  # frozen: never recomputed

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("company"))
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="+", verbose_name=_("contract"))
    month = models.DateField(_("month"))  # the first day
    metrics = models.JSONField(default=dict, verbose_name=_("metrics"))
    computed_score = models.DecimalField(max_digits=5, decimal_places=2, verbose_name=_("computed score"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)  # computed, or as adjusted
    adjust_reason = models.CharField(_("adjustment reason"), max_length=500, blank=True)
    incidents = models.PositiveSmallIntegerField(_("serious incidents"), default=0)
    fee_fen = models.PositiveBigIntegerField(verbose_name=_("fee (fen)"))
    reduction_fen = models.PositiveBigIntegerField(default=0, verbose_name=_("reduction (fen)"))
    deduction_fen = models.PositiveBigIntegerField(default=0, verbose_name=_("deduction (fen)"))
    payable_fen = models.PositiveBigIntegerField(verbose_name=_("payable (fen)"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, verbose_name=_("status"))
    computed_at = models.DateTimeField(verbose_name=_("computed"))
    approved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("approved at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("approved by")
    )

    class Meta:
        verbose_name = _("monthly evaluation")
        verbose_name_plural = _("monthly evaluations")
        ordering = ["-month", "company"]
        constraints = [models.UniqueConstraint(fields=["company", "month"], name="one_evaluation_per_month")]

    def __str__(self) -> str:
        return f"{self.company} {self.month:%Y-%m}"
