"""(device kind, message type) -> the one service that handles it.

Domain apps register their handlers here (in their AppConfig.ready) so the dispatcher
routes without knowing any domain. A handler takes the device and the parsed envelope and
returns the command to answer with, or None.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from devices.models import Device
    from devices.protocol import Envelope


@dataclass(frozen=True)
class Reply:
    """What a handler answers: a cmd type and its data."""

    type: str
    data: dict[str, Any]


Handler = Callable[["Device", "Envelope"], "Reply | None"]
# Optional CPU-heavy step (decoding, face analysis) run BEFORE the message's transaction, so no
# row lock is held while it runs; its result reaches the handler as `envelope.prepared`.
Preparer = Callable[["Device", "Envelope"], Any]
ANY_KIND = "*"
_handlers: dict[tuple[str, str, str], Handler] = {}
_preparers: dict[tuple[str, str, str], Preparer] = {}


def register(
    *, channel: str, types: Iterable[str], kinds: Iterable[str] = (ANY_KIND,), prepare: Preparer | None = None
) -> Callable[[Handler], Handler]:
    def decorator(fn: Handler) -> Handler:
        for kind in kinds:
            for msg_type in types:
                key = (channel, kind, msg_type)
                if key in _handlers and _handlers[key] is not fn:
                    raise RuntimeError(f"two handlers for {key}: {_handlers[key]} and {fn}")
                _handlers[key] = fn
                if prepare is not None:
                    _preparers[key] = prepare
        return fn

    return decorator


def lookup(*, channel: str, kind: str, msg_type: str) -> Handler | None:
    return _handlers.get((channel, kind, msg_type)) or _handlers.get((channel, ANY_KIND, msg_type))


def lookup_preparer(*, channel: str, kind: str, msg_type: str) -> Preparer | None:
    return _preparers.get((channel, kind, msg_type)) or _preparers.get((channel, ANY_KIND, msg_type))


def registered() -> list[tuple[str, str, str]]:
    return sorted(_handlers)
