"""Bounds for endpoints anyone may call without signing in: body size and a per-address rate.

The rate limit is a fixed window counter in the Django cache (Redis in production, shared by
every web process; per process in `make run`). It answers 429 with Retry-After; the client's
address comes from core/client_ip.py (the configured trusted proxy depth; an IPv6 client counts per /64).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.http.request import RawPostDataException

from core.client_ip import client_network

View = Callable[..., HttpResponseBase]


def rate_exceeded(*, scope: str, key: str, limit: int, window_s: int, now: float | None = None) -> int:
    """0 when this call is within `limit` per `window_s` for (scope, key), else the seconds
    until the window ends. Counts the call either way."""
    now = time.time() if now is None else now
    window = int(now // window_s)
    cache_key = f"ratelimit:{scope}:{key}:{window}"
    if cache.add(cache_key, 1, timeout=window_s + 1):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, timeout=window_s + 1)
            count = 1
    if count <= limit:
        return 0
    return max(1, int((window + 1) * window_s - now))


def _body_size(request: HttpRequest, declared: int) -> int:
    try:
        return len(request.body)
    except RawPostDataException:
        # A middleware (CSRF) already streamed a multipart body into request.POST; Django's own
        # DATA_UPLOAD_MAX_MEMORY_SIZE bounded that, and the declared length was checked above.
        return declared


def _answer(request: HttpRequest, text: str, status: int) -> HttpResponse:
    """JSON {"detail"} under /api/ (the documented error shape), plain text elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": text}, status=status)
    return HttpResponse(text, status=status, content_type="text/plain")


def bounded(
    *, scope: str, max_body: int | None = None, rate_setting: str | None = None, window_s: int = 60
) -> Callable[[View], View]:
    """A view decorator: 413 for a body over `max_body` bytes (checked before it is parsed),
    429 past settings.<rate_setting> requests per `window_s` seconds per client address
    (read per request, so it can be changed without a code change)."""

    def wrap(view: View) -> View:
        @functools.wraps(view)
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if max_body is not None:
                try:
                    declared = int(request.META.get("CONTENT_LENGTH") or 0)
                except ValueError:
                    declared = 0
                if declared > max_body or (request.method == "POST" and _body_size(request, declared) > max_body):
                    return _answer(request, "request body too large", 413)
            limit = int(getattr(settings, rate_setting, 0) or 0) if rate_setting else 0
            if limit and (request.method or "GET") not in ("GET", "HEAD", "OPTIONS"):
                wait = rate_exceeded(scope=scope, key=client_network(request), limit=limit, window_s=window_s)
                if wait:
                    response = _answer(request, "too many requests", 429)
                    response["Retry-After"] = str(wait)
                    return response
            return view(request, *args, **kwargs)

        return inner

    return wrap
