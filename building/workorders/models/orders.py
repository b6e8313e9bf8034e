"""Work orders (a repair request is a work order from its first moment), photos, history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from building.models import Site, Space
from building.workorders.categories import Category, Priority
from building.workorders.models.companies import Company, Contract


class WorkOrder(models.Model):
    """Written only by building.workorders.services."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        ACCEPTED = "accepted", _("accepted")
        IN_PROGRESS = "in_progress", _("in progress")
        WAITING = "waiting", _("waiting for parts")
        DONE = "done", _("done")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")
        REOPENED = "reopened", _("reopened")
        CANCELLED = "cancelled", _("cancelled")

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    number = models.CharField(_("number"), max_length=20, unique=True)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="repair_requests", verbose_name=_("requester")
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    space = models.ForeignKey(Space, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("space"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    description = models.TextField(_("description"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.PROTECT, related_name="orders", verbose_name=_("company")
    )
    contract = models.ForeignKey(
        Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="orders", verbose_name=_("contract")
    )
    alarm = models.ForeignKey(
        "monitoring.Alarm", null=True, blank=True, on_delete=models.SET_NULL, related_name="work_orders", verbose_name=_("alarm")
    )
    created_at = models.DateTimeField(_("submitted"))
    routed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("routed"))  # the response clock starts here
    response_due = models.DateTimeField(_("response due"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("started"))
    # null while the completion clock is paused (waiting for parts, done awaiting confirmation)
    completion_due = models.DateTimeField(_("completion due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    late_response = models.BooleanField(default=False, verbose_name=_("late response"))
    late_completion = models.BooleanField(default=False, verbose_name=_("late completion"))
    cost_fen = models.PositiveBigIntegerField(_("cost (fen)"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.CharField(_("rating comment"), max_length=500, blank=True)
    reject_reason = models.CharField(_("reject reason"), max_length=500, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("reopens"), default=0)

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["company", "status"], name="wo_company_status")]
        permissions = [
            ("request_repair", "Can report a fault"),
            ("work_workorder", "Can work orders as a contractor"),
            ("dispatch_workorder", "Can dispatch and reassign work orders"),
            ("evaluate_contractor", "Can evaluate contractors and approve pay"),
        ]

    def __str__(self) -> str:
        return self.number


class ClockPause(models.Model):
    """A stretch when the completion clock stood still (waiting for parts; done until reopened)."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="pauses", verbose_name=_("work order"))
    reason = models.CharField(max_length=20, verbose_name=_("reason"))  # waiting | done
    started_at = models.DateTimeField(verbose_name=_("started"))
    ended_at = models.DateTimeField(null=True, blank=True, verbose_name=_("ended"))

    class Meta:
        verbose_name = _("clock pause")
        verbose_name_plural = _("clock pauses")
        ordering = ["started_at"]

    def __str__(self) -> str:
        return f"{self.order} {self.reason} {self.started_at}"


class WorkOrderPhoto(models.Model):
    class Kind(models.TextChoices):
        BEFORE = "before", _("before")
        AFTER = "after", _("after")

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="photos", verbose_name=_("work order"))
    kind = models.CharField(max_length=10, choices=Kind.choices, verbose_name=_("kind"))
    image = models.ImageField(upload_to="workorders/%Y/%m/", verbose_name=_("image"))
    width = models.PositiveIntegerField(verbose_name=_("width"))
    height = models.PositiveIntegerField(verbose_name=_("height"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(verbose_name=_("uploaded"))

    class Meta:
        verbose_name = _("work order photo")
        verbose_name_plural = _("work order photos")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.order} {self.kind}"


class WorkOrderEvent(models.Model):
    """The order's history as people see it: transitions and comments."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="events", verbose_name=_("work order"))
    at = models.DateTimeField(verbose_name=_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("actor")
    )
    action = models.CharField(max_length=20, verbose_name=_("action"))  # submit, accept, ..., comment
    status = models.CharField(max_length=12, verbose_name=_("status"))  # after the action
    text = models.CharField(max_length=1000, blank=True, verbose_name=_("text"))

    class Meta:
        verbose_name = _("work order event")
        verbose_name_plural = _("work order events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order} {self.action}"


class Breach(models.Model):
    """A missed deadline, recorded once: the escalation notifies only when it creates the row."""

    class Kind(models.TextChoices):
        RESPONSE = "response", _("response")
        COMPLETION = "completion", _("completion")

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="breaches", verbose_name=_("work order"))
    kind = models.CharField(max_length=12, choices=Kind.choices, verbose_name=_("kind"))
    due = models.DateTimeField(verbose_name=_("due"))
    detected_at = models.DateTimeField(verbose_name=_("detected"))

    class Meta:
        verbose_name = _("missed deadline")
        verbose_name_plural = _("missed deadlines")
        ordering = ["-detected_at"]
        constraints = [models.UniqueConstraint(fields=["order", "kind", "due"], name="one_breach_per_deadline")]

    def __str__(self) -> str:
        return f"{self.order} {self.kind} {self.due}"
