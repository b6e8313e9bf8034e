"""The bounded process pool that runs security.faces.engine.

Created lazily (the first face in a process), sized to the cores. A semaphore bounds the jobs
in flight: when it is full, `submit` returns None at once and the caller answers `busy`, so a
burst of frames never queues up unbounded latency. Callers (bridge worker threads, web
requests) wait on the future; the paho loop never does.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from security.faces import engine
from security.faces.conf import pool_max_inflight, pool_workers

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_executor: ProcessPoolExecutor | None = None
_slots: threading.BoundedSemaphore | None = None


def _create() -> tuple[ProcessPoolExecutor, threading.BoundedSemaphore]:
    # forkserver: workers fork from a clean server that has imported dlib and its models once,
    # not from this multi-threaded process (forking threads is unsafe) and not 0.8 s each (spawn).
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["security.faces.worker_env", "security.faces.engine", "face_recognition"])
    executor = ProcessPoolExecutor(max_workers=pool_workers(), mp_context=ctx)
    return executor, threading.BoundedSemaphore(pool_max_inflight())


def _get() -> tuple[ProcessPoolExecutor, threading.BoundedSemaphore]:
    global _executor, _slots
    with _lock:
        if _executor is None or _slots is None:
            _executor, _slots = _create()
        return _executor, _slots


def submit(fn: Callable[..., Any], *args: Any) -> Future[Any] | None:
    """Run fn(*args) in the pool; None when the pool already has its maximum in flight."""
    global _executor
    executor, slots = _get()
    if not slots.acquire(blocking=False):
        return None
    try:
        future = executor.submit(fn, *args)
    except (BrokenProcessPool, RuntimeError):  # a worker died (OOM?): start a fresh pool once
        logger.exception("face pool broken; recreating")
        with _lock:
            if _executor is executor:
                _executor = None
        slots.release()
        executor, slots = _get()
        if not slots.acquire(blocking=False):
            return None
        future = executor.submit(fn, *args)
    future.add_done_callback(lambda _f: slots.release())
    return future


def analyse(image: bytes, policy: engine.Policy) -> Future[engine.Analysis] | None:
    return submit(engine.analyse, image, policy)


def warm() -> None:
    """Start the pool and its workers now (serve / bench), not on the first face."""
    executor, _ = _get()
    for f in [executor.submit(engine.warm) for _ in range(pool_workers())]:
        f.result(timeout=60)


def shutdown() -> None:
    global _executor, _slots
    with _lock:
        if _executor is not None:
            _executor.shutdown(wait=True, cancel_futures=True)
        _executor, _slots = None, None
