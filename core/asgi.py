"""Django's ASGI handler on a fixed set of long-lived threads, so a request's database connection is reused.

Django's own handler runs each HTTP request's sync code (middleware, view, template) in a
thread of its own: `ThreadSensitiveContext()` makes a new one-thread executor per request. That
costs a thread start and, because connections are per thread, a new database connection (a
SQLite open with its PRAGMAs, or a PostgreSQL login) on every request; and `CONN_MAX_AGE` cannot
help: the thread, and the connection it kept, are gone after the response.

Here the middleware chain and the view run in one switch to that thread (below), and each
request borrows one of at most `threads` one-thread executors for its whole life
(`ThreadSensitiveContext(executor=...)`, asgiref >= 3.13), so every request still has one thread
of its own for all its sync code, as Django expects, but the threads, and with
`CONN_MAX_AGE` > 0 their connections, live on: at most `threads` connections per process, closed
by Django's usual `close_old_connections` when too old or broken. Requests beyond `threads` wait
for a free thread (they would wait for the GIL anyway); WebSocket traffic is not affected.

A request holds its thread for its whole life, including reading the body and sending the
response, so a few slow clients (a slow upload, a slow reader of a large file) could hold every
pooled thread. A request that finds no free thread within `wait_s` is therefore served as
Django serves every request: on a thread of its own whose connection is closed afterwards. The
pool is the fast path, never a queue without end.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import django
from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponseBase


class PooledThreadsASGIHandler(ASGIHandler):
    def __init__(self, threads: int, wait_s: float = 1.0) -> None:
        super().__init__()
        if threads < 1:
            raise ValueError("threads must be >= 1")
        self.threads = threads
        self.wait_s = wait_s
        self._idle: list[ThreadPoolExecutor] = []
        self._made = 0
        self._free: asyncio.Semaphore | None = None

    def load_middleware(self, is_async: bool = False) -> None:
        """The middleware chain as WSGI builds it: synchronous end to end. Django's async chain
        switches threads twice for every sync middleware (MiddlewareMixin runs process_request
        and process_response each through sync_to_async): 18 switches for a page here, each a
        wake-up of the request thread and of the event loop."""
        super().load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        """The whole chain, view included, in one switch to the request's thread."""
        response: HttpResponseBase = await sync_to_async(self.get_response, thread_sensitive=True)(request)
        return response

    def _take(self) -> ThreadPoolExecutor:
        if self._idle:
            return self._idle.pop()  # the most recently used: its connection is the warmest
        self._made += 1
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"django-request-{self._made}")

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        if self._free is None:  # made in the server's event loop
            self._free = asyncio.Semaphore(self.threads)
        try:
            await asyncio.wait_for(self._free.acquire(), self.wait_s)
        except TimeoutError:
            await self._handle_on_own_thread(scope, receive, send)
            return
        try:
            executor = self._take()
            try:
                async with ThreadSensitiveContext(executor=executor):
                    await self.handle(scope, receive, send)
            finally:
                self._idle.append(executor)
        finally:
            self._free.release()

    async def _handle_on_own_thread(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        from django.db import connections

        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="django-request-overflow")
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.handle(scope, receive, send)
        finally:
            # The thread ends here: its connection must not linger until garbage collection.
            await asyncio.wrap_future(executor.submit(connections.close_all))
            executor.shutdown(wait=False)

    def close(self) -> None:
        """Close each idle thread's database connections and end the threads (tests; a server's
        threads end with its process)."""
        from django.db import connections

        while self._idle:
            executor = self._idle.pop()
            executor.submit(connections.close_all).result()
            executor.shutdown()


def get_pooled_asgi_application() -> PooledThreadsASGIHandler:
    """`django.core.asgi.get_asgi_application`, with the handler above (settings.ASGI_THREADS threads)."""
    django.setup(set_prefix=False)
    from django.conf import settings

    return PooledThreadsASGIHandler(settings.ASGI_THREADS, wait_s=settings.ASGI_THREAD_WAIT_S)
