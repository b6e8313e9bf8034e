"""JSON Schemas (draft 2020-12) of every MQTT message: the contract docs/devices.md shows.

The envelope, status and cmd frames are the device layer's own; every message's `data` comes from
the pydantic model its handler registered (devices.registry), so the documented contract is the
one the dispatcher enforces. Call `schemas()` after the apps are loaded.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

Schema = dict[str, Any]
_TS = {"type": "string", "format": "date-time", "description": "ISO-8601 with UTC offset"}
_ID = {"type": "string", "minLength": 1, "maxLength": 64}


def _obj(props: dict[str, Any], required: list[str] | None = None) -> Schema:
    return {
        "type": "object",
        "properties": props,
        "required": required if required is not None else list(props),
        "additionalProperties": False,
    }


def _data(model: type[BaseModel]) -> Schema:
    schema = model.model_json_schema()
    schema.pop("title", None)
    schema.pop("description", None)
    return schema


def _event(type_: str, model: type[BaseModel]) -> Schema:
    return _obj({"id": _ID, "ts": _TS, "type": {"const": type_}, "data": _data(model)}, ["id", "ts", "type"])


def _cmd(type_: str, data: Schema) -> Schema:
    return _obj({"id": _ID, "ts": _TS, "type": {"const": type_}, "re": {"type": ["string", "null"]}, "data": data})


FRAMES: dict[str, Schema] = {
    "envelope (event / telemetry)": _obj(
        {"id": _ID, "ts": _TS, "type": {"type": "string"}, "data": {"type": "object"}}, ["id", "ts", "type"]
    ),
    "status": _obj({"state": {"enum": ["online", "offline"]}, "ts": _TS}, ["state"]),
    "cmd": _obj(
        {"id": _ID, "ts": _TS, "type": {"type": "string"}, "re": {"type": ["string", "null"]}, "data": {"type": "object"}}
    ),
    "cmd error": _cmd("error", _obj({"reason": {"type": "string"}})),
}


def schemas() -> dict[str, Schema]:
    """Every frame, then every registered message and reply, in a stable order."""
    from devices.registry import reply_models, routes

    found = dict(FRAMES)
    for route in routes():
        if _test_only(route.handler):
            continue
        kind = "any device" if route.kind == "*" else route.kind
        found[f"{route.channel} {route.msg_type} ({kind})"] = _event(route.msg_type, route.schema)
    for reply_type, model in reply_models().items():
        if not _test_only(model):
            found[f"cmd {reply_type}"] = _cmd(reply_type, _data(model))
    return found


def _test_only(thing: object) -> bool:
    """The test suite's sample app (tests/sample_domain) is no part of the published contract."""
    return str(getattr(thing, "__module__", "")).startswith("tests.")
