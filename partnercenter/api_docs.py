"""Browsable API reference at /v1/docs, rendered on the server from the OpenAPI document.

It needs no JavaScript or CDN (Swagger UI at /v1/swagger loads its assets from a CDN, which a closed
network cannot reach), so the reference always works next to /v1/schema.
"""

from __future__ import annotations

import functools

from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator

METHOD_ORDER = ["get", "post", "put", "patch", "delete"]


@functools.cache
def openapi_document() -> dict:
    """The OpenAPI document; it only changes when the code does, so it is built once per process."""
    return SchemaGenerator().get_schema(request=None, public=True)


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_label(schema: dict | None) -> str:
    """A short, readable type: `string (email)`, `array of Program`, `one of active, removed`."""
    if schema is None:
        return ""
    if not schema:
        return "any"
    if "$ref" in schema:
        return _ref_name(schema["$ref"])
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return type_label(schema["allOf"][0])
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return " | ".join(type_label(s) for s in schema[key])
    if "enum" in schema:
        return "one of " + ", ".join(str(v) for v in schema["enum"] if v not in ("", None))
    kind = schema.get("type", "object")
    if kind == "array":
        return f"array of {type_label(schema.get('items'))}"
    if (
        kind == "object"
        and "additionalProperties" in schema
        and isinstance(schema["additionalProperties"], dict)
    ):
        return f"object of {type_label(schema['additionalProperties'])}"
    label = kind
    if schema.get("format"):
        label += f" ({schema['format']})"
    if schema.get("nullable"):
        label += ", nullable"
    return label


def _fields(schema: dict) -> list[dict]:
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": type_label(prop),
            "required": name in required,
            "read_only": prop.get("readOnly", False),
            "description": prop.get("description", ""),
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def _json_schema(content: dict | None) -> dict | None:
    if not content:
        return None
    for media_type in ("application/json", *content):
        if media_type in content:
            return content[media_type].get("schema")
    return None


def operations(document: dict) -> list[dict]:
    """Operations grouped by tag, in path order."""
    groups: dict[str, list[dict]] = {}
    for path, methods in document.get("paths", {}).items():
        for method in sorted(methods, key=lambda m: METHOD_ORDER.index(m) if m in METHOD_ORDER else 99):
            op = methods[method]
            if not isinstance(op, dict):
                continue
            body = _json_schema((op.get("requestBody") or {}).get("content"))
            groups.setdefault((op.get("tags") or ["api"])[0], []).append(
                {
                    "method": method.upper(),
                    "path": path,
                    "anchor": op.get("operationId", f"{method}-{path}"),
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": [
                        {
                            "name": p.get("name"),
                            "in": p.get("in"),
                            "required": p.get("required", False),
                            "type": type_label(p.get("schema")),
                            "description": p.get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "body": type_label(body) if body else "",
                    "responses": [
                        {
                            "status": status,
                            "description": response.get("description", ""),
                            "type": type_label(_json_schema(response.get("content"))),
                        }
                        for status, response in sorted(op.get("responses", {}).items())
                    ],
                    "secured": bool(op.get("security")),
                }
            )
    return [{"tag": tag, "operations": ops} for tag, ops in sorted(groups.items())]


def api_docs(request):
    document = openapi_document()
    schemas = document.get("components", {}).get("schemas", {})
    return render(
        request,
        "partnercenter/api_docs.html",
        {
            "info": document.get("info", {}),
            "groups": operations(document),
            "schemas": [
                {"name": name, "fields": _fields(schema), "type": type_label(schema)}
                for name, schema in sorted(schemas.items())
            ],
        },
    )
