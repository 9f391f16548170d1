"""Optic's changelog as a flat list of changes: operations, parameters, fields, enums, statuses."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Final

KINDS: Final = (
    "operation",
    "parameter",
    "request-body",
    "status",
    "content-type",
    "header",
    "field",
    "enum",
    "type",
    "required",
    "attribute",
)
_PARAMETER: Final = re.compile(r"^(?P<where>\w+) parameter '(?P<name>.*)'$")
_STATUS: Final = re.compile(r"^(?P<status>\S+) response$")
_TYPE_KEYS: Final = frozenset({"type", "format", "nullable", "oneOf", "anyOf", "allOf"})
# Nested schemas: Optic reports what changed inside them as changes of their own fields.
_NESTED_KEYS: Final = frozenset({"items", "properties"})


@dataclass(frozen=True)
class Change:
    """One difference between two specs, at one place of one operation.

    `kind` is one of KINDS; `location` says where in the operation (`response 200
    application/json`, `request body multipart/form-data`, `query parameter`); `subject` names the
    thing (a field path such as `results[].feature_flag_key`, a parameter, a status, an attribute).
    """

    operation: str
    kind: str
    change: str
    location: str
    subject: str
    before: Any = None
    after: Any = None

    def describe(self) -> str:
        """One line for people: where, what, how."""
        where = f" {self.location}" if self.location else ""
        what = f" {self.kind} `{self.subject}`" if self.subject else f" {self.kind}"
        detail = ""
        if self.kind == "enum":
            old = set(_as_list(self.before))
            new = set(_as_list(self.after))
            parts = []
            if new - old:
                parts.append("adds " + ", ".join(map(repr, sorted(new - old, key=repr))))
            if old - new:
                parts.append("drops " + ", ".join(map(repr, sorted(old - new, key=repr))))
            detail = f": {'; '.join(parts)}" if parts else ""
        elif self.change == "changed":
            detail = f": {self.before!r} -> {self.after!r}"
        return f"{self.operation}{where}:{what} {self.change}{detail}"

    def as_json(self) -> dict[str, Any]:
        """Return the change as a JSON-ready object."""
        return asdict(self)


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def field_path(key: str) -> str:
    """Turn a pointer into a schema (`/schema/properties/a/items/properties/b`) into `a[].b`."""
    segments = [part for part in key.split("/") if part]
    if segments[:1] == ["schema"]:
        segments = segments[1:]
    out: list[str] = []
    index = 0
    while index < len(segments):
        part = segments[index]
        if part == "properties" and index + 1 < len(segments):
            out.append(segments[index + 1].replace("~1", "/").replace("~0", "~"))
            index += 2
            continue
        if part == "items":
            out[-1:] = [f"{out[-1]}[]" if out else "[]"]
        else:
            out.append(part)
        index += 1
    return ".".join(out)


def _kind(attribute: str) -> str:
    """Classify a changed schema attribute: `enum`, `type`, `required` or any other."""
    if attribute == "enum":
        return "enum"
    if attribute in _TYPE_KEYS:
        return "type"
    return "required" if attribute == "required" else "attribute"


def _attribute_changes(
    operation: str, location: str, attribute: Mapping[str, Any], *, subject_prefix: str = ""
) -> Iterator[Change]:
    """Yield the changes of one attribute entry of Optic's changelog (a schema or a node)."""
    key = str(attribute.get("key", ""))
    change = str(attribute.get("change", "changed"))
    before = attribute.get("before")
    after = attribute.get("after")
    path = field_path(key)
    subject = ".".join(part for part in (subject_prefix, path) if part)
    if key.startswith("/schema/properties") or "/properties/" in key:
        if change != "changed":
            yield Change(operation, "field", change, location, subject, before, after)
            return
    elif change != "changed":
        yield Change(operation, "attribute", change, location, subject or key, before, after)
        return
    if not (isinstance(before, Mapping) and isinstance(after, Mapping)):
        # One attribute changed in place (`/schema/type`: "integer" -> "string").
        *parent, name = key.split("/") or [""]
        kind = _kind(name)
        owner = ".".join(p for p in (subject_prefix, field_path("/".join(parent))) if p)
        named = owner if kind != "attribute" else subject
        yield Change(operation, kind, change, location, named, before, after)
        return
    old, new = before, after
    for name in sorted(set(old) | set(new), key=str):
        if old.get(name) == new.get(name) or name in _NESTED_KEYS:
            continue
        kind = _kind(name)
        named = subject if kind != "attribute" else ".".join(p for p in (subject, name) if p)
        yield Change(operation, kind, "changed", location, named, old.get(name), new.get(name))


def _content_changes(operation: str, where: str, contents: Sequence[Any]) -> Iterator[Change]:
    for content in contents:
        location = f"{where} {content.get('name', '')}".strip()
        if content.get("change") in ("added", "removed"):
            yield Change(operation, "content-type", content["change"], where, content["name"])
            continue
        for attribute in content.get("attributes", []):
            yield from _attribute_changes(operation, location, attribute)


def flatten(changelog: Mapping[str, Any]) -> list[Change]:
    """Flatten an `optic diff --json` changelog: one change per place and attribute."""
    found: list[Change] = []
    for op in changelog.get("operations", []):
        name = str(op.get("name", ""))
        if op.get("change") in ("added", "removed"):
            found.append(Change(name, "operation", op["change"], "", ""))
            continue
        for attribute in op.get("attributes", []):
            found.extend(_attribute_changes(name, "operation", attribute))
        for parameter in op.get("parameters", []):
            match = _PARAMETER.match(str(parameter.get("name", "")))
            where = f"{match['where']} parameter" if match else "parameter"
            subject = match["name"] if match else str(parameter.get("name", ""))
            if parameter.get("change") in ("added", "removed"):
                attributes = parameter.get("attributes") or [{}]
                found.append(
                    Change(
                        name,
                        "parameter",
                        parameter["change"],
                        where,
                        subject,
                        attributes[0].get("before"),
                        attributes[0].get("after"),
                    )
                )
                continue
            for attribute in parameter.get("attributes", []):
                for change in _attribute_changes(name, where, attribute):
                    kind = change.kind if change.kind != "attribute" else "parameter"
                    named = f"{subject}.{change.subject}" if change.subject else subject
                    found.append(
                        Change(name, kind, change.change, where, named, change.before, change.after)
                    )
        body = op.get("requestBody")
        if body:
            if body.get("change") in ("added", "removed"):
                found.append(Change(name, "request-body", body["change"], "request body", ""))
            else:
                for attribute in body.get("attributes", []):
                    found.extend(_attribute_changes(name, "request body", attribute))
                found.extend(_content_changes(name, "request body", body.get("contentTypes", [])))
        for response in op.get("responses", []):
            match = _STATUS.match(str(response.get("name", "")))
            status = match["status"] if match else str(response.get("name", ""))
            if response.get("change") in ("added", "removed"):
                found.append(Change(name, "status", response["change"], "response", status))
                continue
            where = f"response {status}"
            for attribute in response.get("attributes", []):
                found.extend(_attribute_changes(name, where, attribute))
            found.extend(_content_changes(name, where, response.get("contentTypes", [])))
            for header in response.get("headers", []):
                header_name = str(header.get("name", ""))
                if header.get("change") in ("added", "removed"):
                    found.append(Change(name, "header", header["change"], where, header_name))
                    continue
                for attribute in header.get("attributes", []):
                    found.extend(
                        _attribute_changes(name, where, attribute, subject_prefix=header_name)
                    )
    return found


def counts(changes: Sequence[Change]) -> dict[str, int]:
    """Count the changes of each kind, in KINDS order, kinds with none left out."""
    counted = Counter(change.kind for change in changes)
    return {kind: counted[kind] for kind in KINDS if counted[kind]}


def by_operation(changes: Sequence[Change]) -> dict[str, list[Change]]:
    """Group the changes by operation (`METHOD path`), in the order they came."""
    grouped: dict[str, list[Change]] = {}
    for change in changes:
        grouped.setdefault(change.operation, []).append(change)
    return grouped
