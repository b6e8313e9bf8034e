"""drf-spectacular postprocessing: every operation documents its error responses.

DRF answers a bad bearer token with 401 and a refused permission with 403 {"detail": ...}, an unknown object with 404
{"detail": ...} and invalid input with 400 {"<field>": ["..."]} (or {"detail": ...}); views
declare their own extra codes (402, 409, 422) with extend_schema. This hook adds what a view did
not declare, so the schema never hides a status the API really sends.
"""

from __future__ import annotations

from typing import Any

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}, "reason": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION = {
    "type": "object",
    "description": "Either {detail} or the invalid fields, each with its messages.",
    "additionalProperties": True,
}
DEFAULTS = {
    "400": ("Invalid input.", "ValidationError"),
    "401": ("The bearer token is missing, unknown or revoked.", "Error"),
    "403": ("Not signed in, or not allowed.", "Error"),
}
WRITE_METHODS = ("post", "put", "patch", "delete")


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("ValidationError", VALIDATION)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            secured = operation.get("security") != []  # a bearer token can be wrong wherever one is accepted
            wanted = ["403"] + (["401"] if secured else []) + (["400"] if method in WRITE_METHODS else [])
            wanted += ["404"] if "{" in path else []
            for code in wanted:
                if code not in responses or not responses[code].get("content"):
                    text, schema = DEFAULTS.get(code, ("Not found.", "Error"))
                    responses[code] = {
                        "description": responses.get(code, {}).get("description") or text,
                        "content": {"application/json": {"schema": _ref(schema)}},
                    }
    return result
