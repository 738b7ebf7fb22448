"""A small validator for the JSON Schema keywords that tools.content.schema_export uses.

The `jsonschema` package is not in the project's environment, so the tests check the schema
against examples with this one, and check that the schema uses no keyword it does not know.
`violations()` returns one message per failure, with a `$.links[0].url` style path.
"""

from __future__ import annotations

import json
import re

KNOWN_KEYWORDS = {"$schema", "$id", "title", "description", "type", "required", "properties",
                  "additionalProperties", "enum", "items", "uniqueItems", "minItems", "minLength", "maxLength",
                  "pattern", "format", "anyOf", "allOf", "if", "then", "minimum", "maximum"}
JSON_TYPES = {"string": str, "array": list, "object": dict}


def keywords(node) -> set[str]:
    """Every keyword used anywhere in a schema (property names are not keywords)."""
    found = set()
    if isinstance(node, dict):
        for key, value in node.items():
            found.add(key)
            if key == "properties":
                for sub in value.values():
                    found |= keywords(sub)
            elif key in ("items", "if", "then") or (key == "additionalProperties" and isinstance(value, dict)):
                found |= keywords(value)
            elif key in ("anyOf", "allOf"):
                for sub in value:
                    found |= keywords(sub)
    return found


def _type_ok(value, name: str) -> bool:
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, JSON_TYPES[name])


def violations(value, node: dict, where: str = "$") -> list[str]:
    out = []
    if "type" in node and not _type_ok(value, node["type"]):
        return [f"{where}: not of type {node['type']}"]
    if "anyOf" in node and all(violations(value, sub, where) for sub in node["anyOf"]):
        return [f"{where}: matches none of anyOf"]
    for sub in node.get("allOf", []):
        out += violations(value, sub, where)
    if "if" in node and not violations(value, node["if"], where):
        out += violations(value, node.get("then", {}), where)
    if "enum" in node and value not in node["enum"]:
        out.append(f"{where}: {value!r} not in enum")
    if isinstance(value, int) and not isinstance(value, bool):
        if value < node.get("minimum", value):
            out.append(f"{where}: less than {node['minimum']}")
        if value > node.get("maximum", value):
            out.append(f"{where}: more than {node['maximum']}")
    if isinstance(value, str):
        if len(value) < node.get("minLength", 0):
            out.append(f"{where}: shorter than {node['minLength']}")
        if len(value) > node.get("maxLength", len(value)):
            out.append(f"{where}: longer than {node['maxLength']}")
        if "pattern" in node and not re.search(node["pattern"], value):
            out.append(f"{where}: does not match {node['pattern']}")
    if isinstance(value, list):
        if len(value) < node.get("minItems", 0):
            out.append(f"{where}: fewer than {node['minItems']} items")
        if node.get("uniqueItems") and len({json.dumps(v, sort_keys=True) for v in value}) != len(value):
            out.append(f"{where}: repeated items")
        for i, item in enumerate(value):
            out += violations(item, node.get("items", {}), f"{where}[{i}]")
    if isinstance(value, dict):
        out += [f"{where}: '{name}' is required" for name in node.get("required", []) if name not in value]
        props = node.get("properties", {})
        for name, sub in props.items():
            if name in value:
                out += violations(value[name], sub, f"{where}.{name}")
        extra = node.get("additionalProperties", True)
        for name in value:
            if name not in props and extra is False:
                out.append(f"{where}: '{name}' is not allowed")
            elif name not in props and isinstance(extra, dict):
                out += violations(value[name], extra, f"{where}.{name}")
    return out
