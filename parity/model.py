"""The scenario model: named sequences of requests whose templates refer to roles and results."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

# A placeholder is `{name.attribute}`: `project.<role>`, `key.<role>`, `server.netloc`, or
# `<step>.<field>` (a field of an earlier step's JSON response).
_PLACEHOLDER: Final = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z0-9_]+)\}")
NO_JSON: Final[Any] = object()


class TemplateError(LookupError):
    """A template names a project, key or step result that does not exist."""


@dataclass(frozen=True)
class Step:
    """One request of a scenario.

    `key` is the role whose key goes into `Authorization: Bearer` (None: no header);
    `json` is a JSON body (templated), `data` a raw body sent as is with `content_type`.
    `name` lets later steps refer to this step's response body (`{name.id}`).
    """

    method: str
    path: str
    key: str | None = "all"
    json: Any = NO_JSON
    data: str | bytes | None = None
    content_type: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    name: str | None = None
    rule: str = ""
    repeat: int = 1


@dataclass(frozen=True)
class Scenario:
    """A named, self-contained sequence of steps that checks one or more rules.

    `server` is `"default"` or `"throttled"` (a server with rate limits on); `needs` lists the
    optional project roles it uses; `empty_project` says its results depend on the main project
    holding no experiment but its own even when lists are judged on the run's own experiments
    (a live run on a project in use does not run it).
    """

    name: str
    area: str
    rule: str
    steps: tuple[Step, ...]
    server: str = "default"
    needs: tuple[str, ...] = ()
    empty_project: bool = False


@dataclass
class Context:
    """What templates may refer to while a scenario runs."""

    projects: Mapping[str, str]
    keys: Mapping[str, str]
    server: Mapping[str, str] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)

    def lookup(self, name: str, attribute: str) -> str:
        """Resolve one placeholder."""
        if name == "project":
            table: Mapping[str, Any] = self.projects
        elif name == "key":
            table = self.keys
        elif name == "server":
            table = self.server
        elif name in self.results and isinstance(self.results[name], Mapping):
            table = self.results[name]
        else:
            raise TemplateError(f"no step named {name!r} has a JSON object result")
        if attribute not in table:
            raise TemplateError(f"{name}.{attribute} is not known")
        value = table[attribute]
        return value if isinstance(value, str) else json.dumps(value)

    def render(self, template: str) -> str:
        """Replace every placeholder of a string."""
        return _PLACEHOLDER.sub(lambda m: self.lookup(m.group(1), m.group(2)), template)

    def render_json(self, value: Any) -> Any:
        """Render placeholders inside every string of a JSON value (keys included)."""
        if isinstance(value, str):
            return self.render(value)
        if isinstance(value, list):
            return [self.render_json(item) for item in value]
        if isinstance(value, dict):
            return {self.render(str(k)): self.render_json(v) for k, v in value.items()}
        return value


def placeholders(template: str) -> list[tuple[str, str]]:
    """List the `(name, attribute)` pairs a template refers to."""
    return [(m.group(1), m.group(2)) for m in _PLACEHOLDER.finditer(template)]


def words(text: str) -> tuple[str, ...]:
    """Split a table of values written as one text, separated by white space."""
    return tuple(text.split())
