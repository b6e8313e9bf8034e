"""JSON Schemas (draft 2020-12) of every MQTT message: the contract docs/devices.md shows.

devices.protocol parses the envelope; domain handlers parse `data`. These schemas are what a
device vendor implements against; tests check our own simulator and commands against them.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]
_TS = {"type": "string", "format": "date-time", "description": "ISO-8601 with UTC offset"}
_ID = {"type": "string", "minLength": 1, "maxLength": 64}


def _obj(props: dict[str, Any], required: list[str] | None = None, extra: bool = False) -> Schema:
    return {
        "type": "object",
        "properties": props,
        "required": required if required is not None else list(props),
        "additionalProperties": extra,
    }


def _event(type_: str, data: Schema) -> Schema:
    return _obj({"id": _ID, "ts": _TS, "type": {"const": type_}, "data": data})


def _cmd(type_: str, data: Schema) -> Schema:
    return _obj({"id": _ID, "ts": _TS, "type": {"const": type_}, "re": {"type": ["string", "null"]}, "data": data})


_USER_REF = {
    "type": "object",
    "minProperties": 1,
    "maxProperties": 1,
    "properties": {"face": {"type": "string"}, "card": {"type": "string"}, "qr": {"type": "string"}},
    "additionalProperties": False,
}
_EMPTY = _obj({})
_PERSON = {"oneOf": [{"type": "null"}, _obj({"id": {"type": ["integer", "string"]}, "name": {"type": "string"}})]}

SCHEMAS: dict[str, Schema] = {
    "envelope (event / telemetry)": _obj(
        {"id": _ID, "ts": _TS, "type": {"type": "string"}, "data": {"type": "object"}}, ["id", "ts", "type"]
    ),
    "status": _obj({"state": {"enum": ["online", "offline"]}, "ts": _TS}, ["state"]),
    "cmd": _obj(
        {"id": _ID, "ts": _TS, "type": {"type": "string"}, "re": {"type": ["string", "null"]}, "data": {"type": "object"}}
    ),
    "event ping": _event("ping", _EMPTY),
    "cmd pong": _cmd("pong", _EMPTY),
    "cmd error": _cmd("error", _obj({"reason": {"type": "string"}})),
    "telemetry heartbeat": _event("heartbeat", _EMPTY),
    "event face (gate)": _event(
        "face",
        _obj(
            {
                "image": {"type": "string", "contentEncoding": "base64", "contentMediaType": "image/jpeg"},
                "direction": {"enum": ["in", "out"]},
                "liveness": {"type": ["number", "null"]},
            },
            ["image", "direction"],
        ),
    ),
    "event card / qr (gate)": {
        "oneOf": [
            _event("card", _obj({"code": {"type": "string"}, "direction": {"enum": ["in", "out"]}}, ["code"])),
            _event("qr", _obj({"code": {"type": "string"}, "direction": {"enum": ["in", "out"]}}, ["code"])),
        ]
    },
    "cmd access": _cmd("access", _obj({"decision": {"enum": ["open", "deny"]}, "person": _PERSON, "reason": {"type": "string"}})),
    "event face_pay / code_pay (pos)": {
        "oneOf": [
            _event(
                "face_pay",
                _obj(
                    {
                        "image": {"type": "string", "contentEncoding": "base64"},
                        "amount_fen": {"type": "integer", "minimum": 1},
                        "merchant": {"type": "string"},
                        "order_ref": _ID,
                    }
                ),
            ),
            _event(
                "code_pay",
                _obj(
                    {
                        "code": {"type": "string"},
                        "amount_fen": {"type": "integer", "minimum": 1},
                        "merchant": {"type": "string"},
                        "order_ref": _ID,
                    }
                ),
            ),
        ]
    },
    "cmd payment": _cmd(
        "payment",
        _obj({"status": {"enum": ["paid", "declined"]}, "balance_fen": {"type": "integer"}, "reason": {"type": "string"}}),
    ),
    "event plate (plate_camera)": _event(
        "plate",
        _obj(
            {
                "plate": {"type": "string", "minLength": 1},
                "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                "direction": {"enum": ["in", "out"]},
            }
        ),
    ),
    "cmd barrier": _cmd("barrier", _obj({"action": {"enum": ["open", "hold"]}, "fee_fen": {"type": "integer", "minimum": 0}})),
    "telemetry occupancy (space_sensor)": _event("occupancy", _obj({"occupied": {"type": "boolean"}})),
    "event checkpoint (patrol_reader)": _event("checkpoint", _obj({"tag": {"type": "string"}, "guard": {"type": "string"}})),
    "event drop (recycling_bin)": _event(
        "drop",
        _obj(
            {
                "user": _USER_REF,
                "category": {"type": "string"},
                "weight_g": {"type": "integer", "minimum": 0},
                "image": {"type": "string"},
            },
            ["user", "category", "weight_g"],
        ),
    ),
    "cmd points": _cmd("points", _obj({"awarded": {"type": "integer"}, "total": {"type": "integer"}})),
    "telemetry reading (meter)": _event(
        "reading",
        _obj({"quantity": {"enum": ["electricity_kwh", "water_m3", "gas_m3"]}, "value": {"type": "number", "minimum": 0}}),
    ),
    "event alarm / restore (fire_detector)": {
        "oneOf": [
            _event("alarm", _obj({"kind": {"enum": ["smoke", "heat", "manual"]}})),
            _event("restore", _obj({"kind": {"enum": ["smoke", "heat", "manual"]}})),
        ]
    },
    "event intrusion (camera)": _event("intrusion", _obj({}, [], extra=True)),
}
