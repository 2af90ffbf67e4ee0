"""The OpenAPI description (search/data/openapi.json) as a page people read: /api/docs.

Rendered on the server from the description itself, so the page cannot drift from it; no
script runs (the Content-Security-Policy stays as strict as on every page).
"""
import json
import re

from ..config import DATA_DIR

METHODS = ("get", "post", "put", "patch", "delete")


def load_description():
    """The OpenAPI description as a dict."""
    return json.loads((DATA_DIR / "openapi.json").read_text(encoding="utf-8"))


def _ref_name(ref):
    return ref.rsplit("/", 1)[-1]


def type_of(schema):
    """A schema in a few words: "string", "array of string", "Hit", "integer (1–100)", "one of: a, b"."""
    if not isinstance(schema, dict):
        return ""
    if "$ref" in schema:
        return _ref_name(schema["$ref"])
    if "allOf" in schema:
        return " + ".join(type_of(s) or "object" for s in schema["allOf"])
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return " | ".join(type_of(s) for s in schema[key])
    kind = schema.get("type", "")
    if isinstance(kind, list):
        kind = " | ".join(kind)
    if kind == "array":
        return f"array of {type_of(schema.get('items', {})) or 'any'}"
    if "enum" in schema:
        return f"{kind} ({' | '.join(map(str, schema['enum']))})"
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None or high is not None:
        return f"{kind} ({'' if low is None else low}–{'' if high is None else high})"
    return kind


def _schema_ref(schema):
    """The component a schema names (directly, as array items or in allOf), for a link, or None."""
    if not isinstance(schema, dict):
        return None
    if "$ref" in schema:
        return _ref_name(schema["$ref"])
    if schema.get("type") == "array":
        return _schema_ref(schema.get("items"))
    return None


def _parameters(operation):
    return [{"name": p.get("name"), "where": p.get("in"), "required": bool(p.get("required")),
             "type": type_of(p.get("schema")), "description": p.get("description", "")}
            for p in operation.get("parameters", ())]


def _responses(operation):
    out = []
    for status, response in sorted(operation.get("responses", {}).items()):
        schema = next(iter(response.get("content", {}).values()), {}).get("schema")
        out.append({"status": status, "description": response.get("description", ""),
                    "type": type_of(schema), "schema": _schema_ref(schema)})
    return out


def _anchor(method, path):
    return f"{method}-{re.sub(r'[^a-z0-9]+', '-', path.lower()).strip('-')}"


def _properties(schema):
    """The properties of a schema (its allOf parts merged), with their types and descriptions."""
    parts = schema.get("allOf", [schema])
    out = []
    for part in parts:
        if "$ref" in part:
            out.append({"name": "…", "type": _ref_name(part["$ref"]), "required": False,
                        "description": f"所有 {_ref_name(part['$ref'])} 字段", "schema": _ref_name(part["$ref"])})
            continue
        required = set(part.get("required", ()))
        for name, prop in part.get("properties", {}).items():
            out.append({"name": name, "type": type_of(prop), "required": name in required,
                        "description": prop.get("description", ""), "schema": _schema_ref(prop)})
    return out


def docs_context(description):
    """What /api/docs shows: every operation with its parameters and responses, and every schema."""
    operations = []
    for path, item in description.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                op = item[method]
                operations.append({"method": method.upper(), "path": path, "anchor": _anchor(method, path),
                                   "summary": op.get("summary", ""), "description": op.get("description", ""),
                                   "parameters": _parameters(op), "responses": _responses(op)})
    schemas = [{"name": name, "description": schema.get("description", ""), "properties": _properties(schema)}
               for name, schema in description.get("components", {}).get("schemas", {}).items()]
    info = description.get("info", {})
    return {"title": info.get("title", ""), "version": info.get("version", ""),
            "description": info.get("description", ""), "operations": operations, "schemas": schemas}
