"""The cashier's web till: scan a pay code (keyboard-wedge scanner or camera) or take a face photo, charge, receipt."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from canteen.models import Merchant, MerchantKind
from canteen.reasons import canteen_reason
from canteen.services.till import till_charge
from core.money import yuan_to_fen
from portal.models import User

MAX_PHOTO_BYTES = 5 * 1024 * 1024


def _merchants(user: User) -> list[Merchant]:
    found = Merchant.objects.filter(is_active=True).exclude(kind=MerchantKind.TAKEAWAY).order_by("name")
    return list(found.filter(site_id=user.site_id) if user.site_id else found)


@login_required
@permission_required("canteen.operate_pos", raise_exception=True)
def till(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    merchants = _merchants(user)
    form = {"merchant": request.POST.get("merchant", ""), "amount": request.POST.get("amount", ""), "error": ""}
    order_ref = request.POST.get("order_ref") or f"till-{uuid.uuid4().hex[:20]}"
    if request.method == "POST":
        merchant = next((m for m in merchants if str(m.pk) == form["merchant"]), None)
        photo = request.FILES.get("photo")
        try:
            amount = yuan_to_fen(form["amount"])
        except (ValueError, TypeError):
            form["error"] = _("Enter the amount in yuan, e.g. 15 or 12.50.")
        else:
            if merchant is None:
                form["error"] = _("Choose the counter.")
            else:
                result = till_charge(
                    actor=user,
                    merchant=merchant,
                    amount_fen=amount,
                    order_ref=order_ref[:64],
                    code=request.POST.get("code", ""),
                    image=photo.read(MAX_PHOTO_BYTES + 1)[:MAX_PHOTO_BYTES] if photo is not None else b"",
                )
                if result.paid and result.charge is not None:
                    messages.success(
                        request, _("Paid: %(amount)s from %(name)s.") % {"amount": form["amount"], "name": result.charge.user}
                    )
                    return redirect("canteen:receipt", charge_id=result.charge.pk)
                form["error"] = _("Not paid: %(reason)s") % {"reason": canteen_reason(result.reason)}
                order_ref = f"till-{uuid.uuid4().hex[:20]}"  # a declined sale is over; the next try is a new one
    elif merchants:
        form["merchant"] = str(merchants[0].pk)
    context = {"merchants": merchants, "form": form, "order_ref": order_ref}
    return render(request, "canteen/till.html", context, status=400 if form["error"] else 200)
