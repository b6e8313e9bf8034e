"""/ui/: every component of the UI system on one page, with sample data (docs/ui.md shows its screenshots)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.icons import icon_names
from portal.navigation import WorkLink


class SampleForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=40, help_text=gettext_lazy("As on your staff card."))
    day = forms.DateField(label=gettext_lazy("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    meal = forms.ChoiceField(
        label=gettext_lazy("Meal"), choices=[("lunch", gettext_lazy("Lunch")), ("dinner", gettext_lazy("Dinner"))]
    )
    agree = forms.BooleanField(label=gettext_lazy("I agree"), required=False)


@login_required
def styleguide(request: HttpRequest) -> HttpResponse:
    messages.success(request, _("Saved."))
    messages.error(request, _("Your balance is too low. Top up the wallet, then try again."))
    form = SampleForm(data={"name": "", "day": "2026-11-26", "meal": "lunch"})
    form.is_valid()  # shows a field error
    page = Paginator(list(range(1, 31)), 10).get_page(2)
    rows = [
        {"at": "11-26 12:01", "who": "李明", "what": _("Lunch"), "fen": "¥15.00", "state": "ok"},
        {"at": "11-26 12:03", "who": "张丽", "what": _("Dinner"), "fen": "¥12.50", "state": "danger"},
    ]
    tiles = [
        WorkLink("wallet", _("Wallet"), _("Balance, top-up and pay code"), "wallet", "#"),
        WorkLink("repair", _("Repairs"), _("Report a fault and follow the work order"), "wrench", None),
    ]
    context = {
        "form": form,
        "page_obj": page,
        "rows": rows,
        "tiles": tiles,
        "icons": sorted(icon_names()),
        "steps": [_("Consent"), _("Photo"), _("Done")],
        "sample": {"name": "李明", "department": "办公室", "dish": "红烧肉"},  # demo data, not interface text
    }
    return render(request, "portal/styleguide.html", context)
