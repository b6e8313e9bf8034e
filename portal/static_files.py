"""WhiteNoise without a thread hop on every request under ASGI.

WhiteNoiseMiddleware is sync-only: in an async middleware chain Django runs it (and thus every
page request) through a sync->async thread switch. This wrapper is async-native: a request for a
static file is answered by WhiteNoise's own lookup and response; any other request goes on to
the next middleware without leaving the event loop. It is sync-capable too, for a sync chain
(the web server's, core/asgi.py, and the test client's): there it is WhiteNoise's own lookup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.http import HttpRequest, HttpResponseBase
from whitenoise.middleware import WhiteNoiseMiddleware


class AsyncWhiteNoiseMiddleware:
    async_capable = True
    sync_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.whitenoise = WhiteNoiseMiddleware(get_response=None)
        self._async = iscoroutinefunction(get_response)
        if self._async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self._async:
            return self.__acall__(request)
        path = request.path_info
        if path.startswith(self.whitenoise.static_prefix):
            found = self.whitenoise.find_file(path) if self.whitenoise.autorefresh else self.whitenoise.files.get(path)
            if found is not None:
                response: HttpResponseBase = self.whitenoise.serve(found, request)
                return response
        return self.get_response(request)

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        path = request.path_info
        if path.startswith(self.whitenoise.static_prefix):
            found: Any
            if self.whitenoise.autorefresh:  # development: looks on disk, so off the loop
                found = await sync_to_async(self.whitenoise.find_file)(path)
            else:
                found = self.whitenoise.files.get(path)
            if found is not None:
                response: HttpResponseBase = self.whitenoise.serve(found, request)
                return response
        return await self.get_response(request)
