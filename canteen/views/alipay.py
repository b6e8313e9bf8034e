"""Alipay's asynchronous notice endpoint, and the simulated gateway's cashier page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from canteen.alipay_client import simulated
from canteen.services.alipay import alipay_notice_receive
from core.limits import bounded

NOTIFY_MAX_BODY = 16 * 1024  # a genuine notice is 1-3 kB


@csrf_exempt  # Alipay posts server to server; the RSA2 signature is the authentication
@require_POST
# Past the rate: 429, and Alipay retries later (it resends for 25 hours).
@bounded(scope="alipay-notify", max_body=NOTIFY_MAX_BODY, rate_setting="ALIPAY_NOTIFY_RATE_PER_MINUTE")
def alipay_notify(request: HttpRequest) -> HttpResponse:
    accepted = alipay_notice_receive(params={k: request.POST.get(k, "") for k in request.POST})
    # Alipay stops resending only on exactly "success"; anything else means "try again later".
    return HttpResponse("success" if accepted else "failure", content_type="text/plain")


def sim_gateway(request: HttpRequest) -> HttpResponse:
    """Stands in for https://openapi.alipay.com/gateway.do when ALIPAY_MODE is simulated. Open to
    anyone, like Alipay's cashier (a visitor paying a purpose order has no account here): it only
    shows and pays orders we signed."""
    if not simulated():
        raise Http404
    from canteen.alipay_sim import SimGatewayError, parse_request, sim_buyer_pays, trade_open

    query = request.GET.urlencode() if request.method == "GET" else request.POST.get("query", "")
    try:
        params, biz = parse_request(query)
    except SimGatewayError:
        return HttpResponseBadRequest("invalid-signature", content_type="text/plain")
    trade = trade_open(params=params, biz=biz)
    if request.method == "POST":
        notice = sim_buyer_pays(out_trade_no=trade.out_trade_no)
        alipay_notice_receive(params=notice)  # the notice Alipay would POST to notify_url
        target = params.get("return_url") or "/canteen/"
        return redirect(f"{target}?{urlencode({'out_trade_no': trade.out_trade_no})}")
    return render(request, "canteen/sim_gateway.html", {"trade": trade, "query": query})
