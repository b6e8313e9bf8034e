"""The managers' report as an xlsx workbook (openpyxl): one sheet per table of the page."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook

from building.recycling.selectors import Report


def _kg(grams: int) -> float:
    return round(grams / 1000, 3)


def report_xlsx(report: Report) -> bytes:
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = _("Summary")[:31]
    summary.append([_("Month"), report.month.strftime("%Y-%m")])
    summary.append([_("All waste (kg)"), _kg(report.total_g)])
    summary.append([_("Recyclables (kg)"), _kg(report.recyclable_g)])
    summary.append([_("Recycling rate (%)"), report.rate])
    summary.append([_("National goal (%)"), report.goal_percent])

    categories = book.create_sheet(_("Categories")[:31])
    categories.append([_("Category"), _("Recyclable"), _("Drops"), _("Weight (kg)")])
    for c in report.categories:
        categories.append([str(c["label"]), _("yes") if c["recyclable"] else _("no"), c["drops"], _kg(c["weight_g"])])

    departments = book.create_sheet(_("Departments")[:31])
    departments.append(
        [
            _("Rank"),
            _("Department"),
            _("Members"),
            _("Drops"),
            _("Weight (kg)"),
            _("Recyclables (kg)"),
            _("Recycling rate (%)"),
            _("Points"),
        ]
    )
    for rank, d in enumerate(report.departments, start=1):
        name = d["department"] or _("Not identified")
        departments.append(
            [rank, name, d["members"], d["drops"], _kg(d["weight_g"]), _kg(d["recyclable_g"]), d["rate"], d["points"]]
        )

    months = book.create_sheet(_("Months")[:31])
    months.append([_("Month"), _("Weight (kg)"), _("Recyclables (kg)"), _("Recycling rate (%)")])
    for m in report.months:
        months.append([m["month"].strftime("%Y-%m"), _kg(m["weight_g"]), _kg(m["recyclable_g"]), m["rate"]])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
