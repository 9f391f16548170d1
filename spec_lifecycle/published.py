"""PostHog's published OpenAPI description: fetching it and trimming it to web experiments."""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Iterator, Mapping
from typing import Any, Final

import httpx
import yaml

SCHEMA_PATH: Final = "/api/schema/"
# A path belongs to the web experiments API when one of its segments is this (both projects and,
# should PostHog add them, environments routes).
SEGMENT: Final = "web_experiments"
HTTP_METHODS: Final = ("get", "post", "put", "patch", "delete", "head", "options", "trace")
ATTEMPTS: Final = 3
RETRY_PAUSE_SECONDS: Final = 2.0
_REF: Final = re.compile(r"^#/components/(?P<kind>[A-Za-z]+)/(?P<name>[^/]+)$")


class PublishedSchemaError(RuntimeError):
    """The server's answer is not an OpenAPI description holding the web experiments API."""


def fetch_schema(host: str, api_key: str | None = None, *, timeout: float = 60.0) -> Any:
    """GET /api/schema/ from a PostHog at host and parse it (YAML or JSON)."""
    headers = {"Accept": "application/vnd.oai.openapi, application/yaml, application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    url = host.rstrip("/") + SCHEMA_PATH
    # A server that drops the connection (a worker restarting) gets two more tries.
    for attempt in range(1, ATTEMPTS + 1):
        try:
            response = httpx.get(url, headers=headers, timeout=timeout, follow_redirects=True)
            break
        except httpx.TransportError as exc:
            if attempt == ATTEMPTS:
                raise PublishedSchemaError(f"GET {url} failed {ATTEMPTS} times: {exc}") from exc
            time.sleep(RETRY_PAUSE_SECONDS * attempt)
    if response.status_code != 200:
        raise PublishedSchemaError(
            f"GET {url} answered {response.status_code}: {response.text[:200]!r}"
        )
    try:
        return load_yaml(response.text)
    except yaml.YAMLError as exc:
        raise PublishedSchemaError(f"GET {url} is neither YAML nor JSON: {exc}") from exc


def load_yaml(text: str) -> Any:
    """Parse YAML (or JSON) with libyaml when present: the full description is 1.6 MB."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506


def _refs(node: Any) -> Iterator[tuple[str, str]]:
    """Yield every local component reference under node, as (kind, name)."""
    if isinstance(node, Mapping):
        ref = node.get("$ref")
        if isinstance(ref, str) and (match := _REF.match(ref)):
            yield match["kind"], match["name"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _security_schemes(operations: Mapping[str, Any], document: Mapping[str, Any]) -> set[str]:
    """Collect the security schemes the operations (or the document's default) require."""
    names: set[str] = set()
    for path_item in operations.values():
        for method in HTTP_METHODS:
            operation = path_item.get(method)
            if isinstance(operation, Mapping):
                for requirement in operation.get("security", document.get("security", [])):
                    names.update(requirement)
    return names


def trim(document: Any) -> dict[str, Any]:
    """Cut a published description down to what concerns web experiments.

    Keeps `openapi`, `info` (title and version), every path with a `web_experiments` segment,
    the components those paths reference (transitively) and the security schemes they use.
    The one function for recording and for comparing, so both sides are cut alike.
    """
    if not isinstance(document, Mapping) or not isinstance(document.get("paths"), Mapping):
        raise PublishedSchemaError("not an OpenAPI description: no `paths` object")
    paths = {
        path: copy.deepcopy(item)
        for path, item in document["paths"].items()
        if SEGMENT in path.strip("/").split("/")
    }
    if not paths:
        raise PublishedSchemaError(f"the description has no path with a `{SEGMENT}` segment")
    components: Mapping[str, Any] = document.get("components") or {}
    kept: dict[str, dict[str, Any]] = {}
    pending = list(_refs(paths))
    while pending:
        kind, name = pending.pop()
        if name in kept.get(kind, {}):
            continue
        try:
            target = components[kind][name]
        except (KeyError, TypeError) as exc:
            raise PublishedSchemaError(f"dangling reference #/components/{kind}/{name}") from exc
        kept.setdefault(kind, {})[name] = copy.deepcopy(target)
        pending.extend(_refs(target))
    schemes = components.get("securitySchemes") or {}
    for name in sorted(_security_schemes(paths, document)):
        if name in schemes:
            kept.setdefault("securitySchemes", {})[name] = copy.deepcopy(schemes[name])
    info = document.get("info") or {}
    trimmed: dict[str, Any] = {
        "openapi": document.get("openapi", "3.0.3"),
        # PostHog publishes `version: null`; an OpenAPI version is a string.
        "info": {"title": info.get("title") or "", "version": str(info.get("version") or "")},
        "paths": paths,
        "components": {kind: dict(sorted(kept[kind].items())) for kind in sorted(kept)},
    }
    if "security" in document:
        trimmed["security"] = copy.deepcopy(document["security"])
    return trimmed


class _BlockDumper(yaml.SafeDumper):
    """A YAML dumper that writes multi-line strings as `|` blocks, so a recording reads well."""


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _string)


def dump(document: Mapping[str, Any]) -> str:
    """Write a trimmed description as YAML, in the server's key order (stable for one server)."""
    return yaml.dump(
        dict(document), Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=100
    )
