"""The human-readable outline of the OpenAPI schema that the docs page shows.

Pure functions over the schema dictionary drf-spectacular generates (no database, no
network): the docs page is rendered on the server, so nothing is loaded from a CDN.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

METHODS = ("get", "post", "put", "patch", "delete")
REF_PREFIX = "#/components/schemas/"


@dataclass(frozen=True)
class FieldDoc:
    name: str
    type: str
    required: bool
    description: str


@dataclass(frozen=True)
class ResponseDoc:
    status: str
    description: str
    fields: tuple[FieldDoc, ...]


@dataclass(frozen=True)
class OperationDoc:
    method: str
    path: str
    summary: str
    description: str
    parameters: tuple[FieldDoc, ...]
    request_fields: tuple[FieldDoc, ...]
    responses: tuple[ResponseDoc, ...]


def outline(schema: Mapping[str, Any]) -> list[OperationDoc]:
    """Every operation in `schema`, in path order, with its fields spelled out."""
    components = schema.get("components", {}).get("schemas", {})
    operations = []
    for path, item in sorted(schema.get("paths", {}).items()):
        for method in METHODS:
            if method in item:
                operations.append(_operation(path, method, item[method], components))
    return operations


def _operation(
    path: str, method: str, spec: Mapping[str, Any], components: Mapping[str, Any]
) -> OperationDoc:
    parameters = tuple(
        FieldDoc(
            name=f"{param['name']} ({param.get('in', '')})",
            type=describe_type(param.get("schema", {}), components),
            required=bool(param.get("required")),
            description=param.get("description", ""),
        )
        for param in spec.get("parameters", [])
    )
    request = spec.get("requestBody", {}).get("content", {})
    return OperationDoc(
        method=method.upper(),
        path=path,
        summary=spec.get("summary", ""),
        description=spec.get("description", ""),
        parameters=parameters,
        request_fields=_fields(_first_schema(request), components),
        responses=tuple(
            ResponseDoc(
                status=status,
                description=response.get("description", ""),
                fields=_fields(_first_schema(response.get("content", {})), components),
            )
            for status, response in sorted(spec.get("responses", {}).items())
        ),
    )


def _first_schema(content: Mapping[str, Any]) -> Mapping[str, Any]:
    """The schema of the first media type (the API speaks JSON only)."""
    return next((media.get("schema", {}) for media in content.values()), {})


def _resolve(schema: Mapping[str, Any], components: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = schema.get("$ref", "")
    if ref.startswith(REF_PREFIX):
        return components.get(ref.removeprefix(REF_PREFIX), {})
    return schema


def _fields(schema: Mapping[str, Any], components: Mapping[str, Any]) -> tuple[FieldDoc, ...]:
    schema = _resolve(schema, components)
    required = set(schema.get("required", []))
    return tuple(
        FieldDoc(
            name=name,
            type=describe_type(prop, components),
            required=name in required,
            description=prop.get("description", ""),
        )
        for name, prop in schema.get("properties", {}).items()
    )


def describe_type(schema: Mapping[str, Any], components: Mapping[str, Any]) -> str:
    """'string (date-time), nullable', 'one of: portal, phone, default 'api'', 'string, at
    most 255 characters'."""
    text = _base_type(schema, components)
    if schema.get("nullable") and not text.endswith("nullable"):
        text += ", nullable"
    if "default" in schema:
        text += f", default {schema['default']!r}"
    return text


def _base_type(schema: Mapping[str, Any], components: Mapping[str, Any]) -> str:
    # drf-spectacular wraps enum references in allOf/oneOf when it adds a default or null.
    for key in ("allOf", "oneOf", "anyOf"):
        if key in schema:
            parts = [describe_type(part, components) for part in schema[key]]
            kept = [part for part in parts if part not in {"", "null"}]
            return ", ".join(kept) + (", nullable" if len(kept) < len(parts) else "")
    resolved = _resolve(schema, components)
    if "enum" in resolved:
        values = [str(value) for value in resolved["enum"] if value not in (None, "")]
        return "one of: " + ", ".join(values) if values else "null"
    text = str(resolved.get("type", "object"))
    if "format" in resolved:
        text += f" ({resolved['format']})"
    if "maxLength" in resolved:
        text += f", at most {resolved['maxLength']} characters"
    if resolved is not schema and resolved.get("nullable"):
        text += ", nullable"
    return text
