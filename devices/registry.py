"""(channel, device kind, message type) -> the one service that handles it, with its data schema.

Apps register their handlers in their handlers module (DomainConfig.handlers_module), so the
dispatcher routes without knowing any domain. Every route carries the pydantic model of its
`data`: the dispatcher validates before the handler runs and hands it the typed object as
`envelope.parsed`; a violation is answered with an `error` cmd naming the field. The same
models generate the JSON Schemas in docs/devices.md (scripts/device_docs.py), so the contract
the vendors read is the one the code enforces.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, ValidationError

from devices.protocol import ProtocolError

if TYPE_CHECKING:
    from devices.models import Device
    from devices.protocol import Envelope


class DeviceData(BaseModel):
    """Base of every message's `data` model: unknown fields are refused, values are not coerced
    ("1" is not 1), and the model is immutable once validated."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Empty(DeviceData):
    """`data: {}`."""


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


@dataclass(frozen=True)
class Route:
    channel: str
    kind: str
    msg_type: str
    handler: Handler
    schema: type[BaseModel]
    reply: type[BaseModel] | None = None  # the cmd's data model, for the docs and the tests
    reply_type: str | None = None
    prepare: Preparer | None = None

    def validate(self, data: dict[str, Any]) -> BaseModel:
        """The typed `data`, or ProtocolError("bad_data") naming the first offending field."""
        try:
            return self.schema.model_validate(data)
        except ValidationError as exc:
            raise ProtocolError("bad_data", validation_text(exc)) from exc


def validation_text(exc: ValidationError) -> str:
    first = exc.errors(include_url=False)[0]
    where = ".".join(str(p) for p in ("data", *first["loc"]))
    return f"{where}: {first['msg']}"


_routes: dict[tuple[str, str, str], Route] = {}
_replies: dict[str, type[BaseModel]] = {}  # cmd type -> its data model (docs)


def register(
    *,
    channel: str,
    types: Iterable[str],
    schema: type[BaseModel],
    kinds: Iterable[str] = (ANY_KIND,),
    reply: type[BaseModel] | None = None,
    reply_type: str | None = None,
    prepare: Preparer | None = None,
) -> Callable[[Handler], Handler]:
    if not (isinstance(schema, type) and issubclass(schema, BaseModel)):
        raise TypeError(f"register(schema=...) must be a pydantic model, got {schema!r}")

    def decorator(fn: Handler) -> Handler:
        for kind in kinds:
            for msg_type in types:
                key = (channel, kind, msg_type)
                if key in _routes and _routes[key].handler is not fn:
                    raise RuntimeError(f"two handlers for {key}: {_routes[key].handler} and {fn}")
                _routes[key] = Route(channel, kind, msg_type, fn, schema, reply, reply_type, prepare)
        if reply is not None and reply_type is not None:
            _replies[reply_type] = reply
        return fn

    return decorator


def route_for(*, channel: str, kind: str, msg_type: str) -> Route | None:
    return _routes.get((channel, kind, msg_type)) or _routes.get((channel, ANY_KIND, msg_type))


def lookup(*, channel: str, kind: str, msg_type: str) -> Handler | None:
    route = route_for(channel=channel, kind=kind, msg_type=msg_type)
    return route.handler if route is not None else None


def routes() -> list[Route]:
    return [_routes[key] for key in sorted(_routes)]


def registered() -> list[tuple[str, str, str]]:
    return sorted(_routes)


def reply_models() -> dict[str, type[BaseModel]]:
    return dict(sorted(_replies.items()))
