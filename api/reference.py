"""The API reference at /api/docs: a page of the app, read from the API's OpenAPI schema.

It takes the place of Swagger UI, which has no phone layout and whose controls cannot be
made accessible from outside (buttons inside buttons). Scripts and tools read the same
schema as JSON at /api/openapi.json.
"""

import json
import re

from django.shortcuts import render
from ninja.openapi.docs import DocsBase

METHODS = ("get", "post", "put", "patch", "delete")
REF_PREFIX = "#/components/schemas/"
# A value to show in an example body for a field that has no example or default.
EXAMPLE_BY_FORMAT = {
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "date": "2025-01-31",
    "date-time": "2025-01-31T09:00:00Z",
}
EXAMPLE_BY_TYPE = {"string": "text", "integer": 0, "number": 0, "boolean": True}


class ApiReference(DocsBase):
    """Render the API's schema as a page of the app (templates/api/docs.html)."""

    template_name = "api/docs.html"

    def render_page(self, request, api, **kwargs):
        schema = api.get_openapi_schema(path_params=kwargs)
        context = api_reference(schema)
        context["openapi_url"] = self.get_openapi_url(api, kwargs)
        if context["example"]:
            context["example"]["url"] = request.build_absolute_uri(context["example"]["path"])
        return render(request, self.template_name, context)


def api_reference(schema: dict) -> dict:
    """Turn an OpenAPI schema into what the reference page shows, section by section."""
    components = schema.get("components", {}).get("schemas", {})
    schemes = schema.get("components", {}).get("securitySchemes", {})
    operations = [
        _operation(path, method, item[method], components, schemes)
        for path, item in schema["paths"].items()
        for method in METHODS
        if method in item
    ]
    common = _common_responses(operations)
    sections: dict[str, list[dict]] = {}
    for operation in operations:
        operation["responses"] = [r for r in operation["responses"] if r not in common]
        sections.setdefault(operation["tag"], []).append(operation)
    info = schema.get("info", {})
    return {
        "title": info.get("title", "API"),
        "version": info.get("version", ""),
        "description": _paragraphs(info.get("description", "")),
        "sections": [
            {"name": tag, "id": f"tag-{tag}", "operations": items}
            for tag, items in sections.items()
        ],
        "common_responses": common,
        "schemas": [
            _component(name, components[name], components)
            for name in _used_schemas(schema["paths"], components)
        ],
        "example": next(
            (
                {"path": o["path"], "summary": o["summary"]}
                for o in operations
                if o["method"] == "GET" and not any(p["required"] for p in o["parameters"])
            ),
            None,
        ),
    }


def _operation(path: str, method: str, operation: dict, components: dict, schemes: dict):
    body = None
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        body_schema = content["application/json"].get("schema", {})
        fields = _fields(_resolve(body_schema, components), components)
        body = {
            "type": _type(body_schema),
            "required": operation["requestBody"].get("required", False),
            "fields": fields,
            "example": json.dumps(
                {f["name"]: f["example"] for f in fields}, indent=2, ensure_ascii=False
            ),
        }
    responses = sorted(
        (_response(status, answer) for status, answer in operation.get("responses", {}).items()),
        key=lambda response: response["status"],
    )
    return {
        "id": operation.get("operationId") or f"{method}-{path}",
        "method": method.upper(),
        "path": path,
        # Where a long path may break on a narrow screen: after each "/".
        "path_parts": [part for part in re.split(r"(?<=/)", path) if part],
        "summary": operation.get("summary") or f"{method.upper()} {path}",
        "description": _paragraphs(operation.get("description", "")),
        "tag": (operation.get("tags") or ["other"])[0],
        "auth": [
            _auth(schemes.get(name, {}), name)
            for requirement in operation.get("security", [])
            for name in requirement
        ],
        "parameters": [
            {
                "name": p["name"],
                "where": p["in"],
                "type": _type(p.get("schema", {})),
                "required": p.get("required", False),
                "description": p.get("description") or p.get("schema", {}).get("description", ""),
                "notes": _notes(p.get("schema", {})),
            }
            for p in operation.get("parameters", [])
        ],
        "body": body,
        "responses": responses,
    }


def _response(status: str, answer: dict) -> dict:
    schema = answer.get("content", {}).get("application/json", {}).get("schema")
    return {
        "status": status,
        "description": answer.get("description", ""),
        "type": _type(schema) if schema is not None else [],
    }


def _common_responses(operations: list[dict]) -> list[dict]:
    """The answers every operation may give (the same status, meaning and body)."""
    if not operations:
        return []
    return [r for r in operations[0]["responses"] if all(r in o["responses"] for o in operations)]


def _auth(scheme: dict, name: str) -> dict:
    """How a caller proves who they are: words, and what to send (`code`)."""
    kind, where = scheme.get("type"), scheme.get("in")
    if kind == "http" and scheme.get("scheme") == "bearer":
        return {"text": "a personal API token", "code": "Authorization: Bearer <token>"}
    if kind == "apiKey" and where == "cookie":
        return {"text": "the signed-in browser session, with its CSRF token", "code": ""}
    if kind == "apiKey":
        return {"text": f"the {where} parameter", "code": scheme.get("name", "")}
    return {"text": name, "code": ""}


def _resolve(schema: dict, components: dict) -> dict:
    ref = schema.get("$ref", "")
    if ref.startswith(REF_PREFIX):
        return components.get(ref.removeprefix(REF_PREFIX), {})
    return schema


def _fields(schema: dict, components: dict) -> list[dict]:
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": _type(field),
            "required": name in required,
            "description": field.get("description", ""),
            "notes": _notes(field),
            "example": _example(field, components),
        }
        for name, field in schema.get("properties", {}).items()
    ]


def _type(schema: dict) -> list[dict]:
    """A field's type in words, in parts; a part naming a schema carries `ref`, for a link."""
    ref = schema.get("$ref", "")
    if ref.startswith(REF_PREFIX):
        name = ref.removeprefix(REF_PREFIX)
        return [{"text": name, "ref": f"schema-{name}"}]
    options = schema.get("anyOf") or schema.get("oneOf")
    if options:
        parts = []
        for option in options:
            if parts:
                parts.append({"text": " or "})
            parts.extend(_type(option))
        return parts
    kind = schema.get("type", "any")
    if kind == "array":
        return [{"text": "array of "}, *_type(schema.get("items", {}))]
    if isinstance(kind, list):
        kind = " or ".join(kind)
    if "format" in schema:
        kind = f"{kind} ({schema['format']})"
    return [{"text": kind}]


def _notes(schema: dict) -> list[str]:
    """Constraints, default and example of a field, in words."""
    notes = []
    if "enum" in schema:
        notes.append(
            "one of: " + ", ".join(json.dumps(v, ensure_ascii=False) for v in schema["enum"])
        )
    if "minLength" in schema and "maxLength" in schema:
        notes.append(f"{schema['minLength']} to {schema['maxLength']} characters")
    elif "maxLength" in schema:
        notes.append(f"at most {schema['maxLength']} characters")
    elif "minLength" in schema:
        notes.append(f"at least {schema['minLength']} characters")
    if "minimum" in schema and "maximum" in schema:
        notes.append(f"from {schema['minimum']} to {schema['maximum']}")
    elif "minimum" in schema:
        notes.append(f"at least {schema['minimum']}")
    elif "maximum" in schema:
        notes.append(f"at most {schema['maximum']}")
    if "default" in schema:
        notes.append("default: " + json.dumps(schema["default"], ensure_ascii=False))
    if schema.get("examples"):
        notes.append("example: " + json.dumps(schema["examples"][0], ensure_ascii=False))
    return notes


def _example(schema: dict, components: dict):
    if schema.get("examples"):
        return schema["examples"][0]
    if "default" in schema:
        return schema["default"]
    options = schema.get("anyOf") or schema.get("oneOf")
    if options:
        return _example(next((o for o in options if o.get("type") != "null"), {}), components)
    if "$ref" in schema:
        return _example(_resolve(schema, components), components)
    if "enum" in schema:
        return schema["enum"][0]
    if schema.get("type") == "array":
        return [_example(schema.get("items", {}), components)]
    if schema.get("type") == "object":
        return {f["name"]: f["example"] for f in _fields(schema, components)}
    if schema.get("format") in EXAMPLE_BY_FORMAT:
        return EXAMPLE_BY_FORMAT[schema["format"]]
    return EXAMPLE_BY_TYPE.get(schema.get("type"))


def _component(name: str, schema: dict, components: dict) -> dict:
    return {
        "name": name,
        "id": f"schema-{name}",
        "description": _paragraphs(schema.get("description", "")),
        "fields": _fields(schema, components),
        "values": schema.get("enum", []),
    }


def _used_schemas(paths: dict, components: dict) -> list[str]:
    """The named schemas the operations use, directly or inside another, in order of use."""
    found: list[str] = []

    def visit(node):
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith(REF_PREFIX):
                name = ref.removeprefix(REF_PREFIX)
                if name not in found and name in components:
                    found.append(name)
                    visit(components[name])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(paths)
    return found


def _paragraphs(text: str) -> list[str]:
    """Docstring text as paragraphs: blank lines part them, single line breaks do not."""
    return [" ".join(p.split()) for p in text.strip().split("\n\n") if p.strip()]
