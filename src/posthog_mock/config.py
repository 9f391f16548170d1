"""The mock's configuration: projects, personal API keys and server limits, from TOML."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from posthog_mock.faults import FaultSpec, FaultSpecError, parse_fault
from posthog_mock.profiles import DEFAULT_VERSION, Profile, UnknownProfileError, get_profile

DEFAULT_API_KEY: Final = "phx_mock_default_key"
DEFAULT_MAX_BODY_BYTES: Final = 1_048_576
DEFAULT_JOURNAL_SIZE: Final = 1000
# PostHog's scopes are `*` or `<object>:<read|write>`; its list of objects grows with every
# product, so any well-formed object is accepted (a key copied from PostHog carries many).
SCOPE_FORMAT: Final = re.compile(r"\*|[A-Za-z][A-Za-z0-9_]*:(read|write)")


class ConfigError(Exception):
    """The configuration file is missing, unreadable or invalid."""


@dataclass(frozen=True)
class ProjectConfig:
    """One project the mock serves."""

    id: int
    accessible: bool = True


@dataclass(frozen=True)
class KeyConfig:
    """One personal API key: its scopes, project limit and `@current` project."""

    value: str
    scopes: frozenset[str]
    projects: frozenset[int] | None
    current_project: int

    def allows_project(self, project_id: int) -> bool:
        """Whether a project-limited key may touch `project_id`."""
        return self.projects is None or project_id in self.projects

    @property
    def is_legacy(self) -> bool:
        """A key without scopes: PostHog's legacy keys, which may do everything (§9, §11)."""
        return not self.scopes

    def has_scope(self, scope: str) -> bool:
        """Whether the key grants `scope`; write implies read, `*` and legacy keys grant all."""
        if self.is_legacy or "*" in self.scopes or scope in self.scopes:
            return True
        obj, _, action = scope.partition(":")
        return action == "read" and f"{obj}:write" in self.scopes


@dataclass(frozen=True)
class MockConfig:
    """Everything the server needs besides host, port and database."""

    projects: tuple[ProjectConfig, ...]
    keys: tuple[KeyConfig, ...]
    rate_limit: bool = False
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    source: str = "built-in defaults"
    # Which PostHog the mock answers as (`posthog_mock.profiles`), and the opt-in strict mode:
    # a clear 400 where that PostHog answers 500 to input it mishandles. Strict is no profile.
    posthog_version: str = DEFAULT_VERSION
    strict: bool = False
    # Deployment, not code: PostHog trusts `X-Forwarded-Host` only behind a proxy
    # (`IS_BEHIND_PROXY`, as PostHog Cloud runs); false builds links from `Host`, as the
    # recorded server (run without a proxy) did.
    behind_proxy: bool = True
    faults: tuple[FaultSpec, ...] = ()
    journal_size: int = DEFAULT_JOURNAL_SIZE
    # Experiments stored into an empty database at start and after each reset (`seeding`).
    seed: tuple[Mapping[str, Any], ...] = ()
    _keys_by_value: dict[str, KeyConfig] = field(init=False, repr=False, compare=False)
    _projects_by_id: dict[int, ProjectConfig] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Index keys and projects for constant-time lookups."""
        object.__setattr__(self, "_keys_by_value", {k.value: k for k in self.keys})
        object.__setattr__(self, "_projects_by_id", {p.id: p for p in self.projects})
        try:
            get_profile(self.posthog_version)
        except UnknownProfileError as exc:
            raise ConfigError(str(exc)) from None

    @property
    def profile(self) -> Profile:
        """The PostHog version profile named by `posthog_version`."""
        return get_profile(self.posthog_version)

    def key(self, value: str) -> KeyConfig | None:
        """Look up a configured key by value."""
        return self._keys_by_value.get(value)

    def project(self, project_id: int) -> ProjectConfig | None:
        """Look up a configured project by id."""
        return self._projects_by_id.get(project_id)


def default_config() -> MockConfig:
    """Project 1 and one all-scopes key, used when no `--config` is given."""
    key = KeyConfig(DEFAULT_API_KEY, frozenset({"*"}), None, 1)
    return MockConfig(projects=(ProjectConfig(1),), keys=(key,))


def load_config(path: Path) -> MockConfig:
    """Read and validate a TOML configuration file."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"config {path} is not UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config {path} is not valid TOML: {exc}") from None
    try:
        return parse_config(raw, source=str(path))
    except ConfigError as exc:
        raise ConfigError(f"config {path}: {exc}") from None


def parse_config(raw: dict[str, Any], *, source: str = "<dict>") -> MockConfig:
    """Validate an already parsed TOML document."""
    _reject_unknown(raw, {"server", "projects", "keys", "faults", "experiments"}, "top level")
    server = raw.get("server", {})
    if not isinstance(server, dict):
        raise ConfigError("[server] must be a table")
    _reject_unknown(
        server,
        {
            "rate_limit",
            "max_body_bytes",
            "posthog_version",
            "strict",
            "behind_proxy",
            "journal_size",
        },
        "[server]",
    )
    rate_limit = server.get("rate_limit", False)
    if not isinstance(rate_limit, bool):
        raise ConfigError("server.rate_limit must be true or false")
    max_body = server.get("max_body_bytes", DEFAULT_MAX_BODY_BYTES)
    if isinstance(max_body, bool) or not isinstance(max_body, int) or max_body < 1:
        raise ConfigError("server.max_body_bytes must be a positive integer")
    version = server.get("posthog_version", DEFAULT_VERSION)
    if not isinstance(version, str):
        raise ConfigError("server.posthog_version must be a string, e.g. '2026-05' or '2025-08'")
    try:
        get_profile(version)
    except UnknownProfileError as exc:
        raise ConfigError(f"server.posthog_version: {exc}") from None
    strict = server.get("strict", False)
    if not isinstance(strict, bool):
        raise ConfigError("server.strict must be true or false")
    behind_proxy = server.get("behind_proxy", True)
    if not isinstance(behind_proxy, bool):
        raise ConfigError("server.behind_proxy must be true or false")
    journal_size = server.get("journal_size", DEFAULT_JOURNAL_SIZE)
    if isinstance(journal_size, bool) or not isinstance(journal_size, int) or journal_size < 0:
        raise ConfigError("server.journal_size must be a non-negative integer")

    projects = _parse_projects(raw.get("projects"))
    known_ids = [p.id for p in projects]
    keys = _parse_keys(raw.get("keys", []), known_ids)
    return MockConfig(
        projects=projects,
        keys=keys,
        rate_limit=rate_limit,
        max_body_bytes=max_body,
        source=source,
        posthog_version=version,
        strict=strict,
        behind_proxy=behind_proxy,
        faults=parse_faults(raw.get("faults", []), "faults"),
        journal_size=journal_size,
        seed=parse_seed(raw.get("experiments", []), "experiments"),
    )


def parse_seed(raw: Any, where: str) -> tuple[Mapping[str, Any], ...]:
    """Check the shape of `[[experiments]]` tables (a create's checks run when the mock starts)."""
    # Imported here: seeding needs the mock extra, and reading a config must not (the plugin
    # reads one on SDK-only installs to say which extra is missing).
    from posthog_mock.seeding import SeedError, check_entries  # noqa: PLC0415

    try:
        return check_entries(raw, where)
    except SeedError as exc:
        raise ConfigError(str(exc)) from None


def parse_faults(raw: Any, where: str) -> tuple[FaultSpec, ...]:
    """Validate `[[faults]]` tables (or a JSON list of fault objects)."""
    if not isinstance(raw, list):
        raise ConfigError(f"{where} must be an array of tables ([[faults]])")
    specs = []
    for index, entry in enumerate(raw):
        try:
            specs.append(parse_fault(entry))
        except FaultSpecError as exc:
            raise ConfigError(f"{where}[{index}].{exc}") from None
    return tuple(specs)


def _parse_projects(raw: Any) -> tuple[ProjectConfig, ...]:
    if not isinstance(raw, list) or not raw:
        raise ConfigError("at least one [[projects]] entry with an `id` is required")
    projects: list[ProjectConfig] = []
    for index, entry in enumerate(raw):
        where = f"projects[{index}]"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where} must be a table")
        _reject_unknown(entry, {"id", "accessible"}, where)
        project_id = entry.get("id")
        if isinstance(project_id, bool) or not isinstance(project_id, int) or project_id < 1:
            raise ConfigError(f"{where}.id must be a positive integer")
        if any(p.id == project_id for p in projects):
            raise ConfigError(f"{where}.id {project_id} is configured twice")
        accessible = entry.get("accessible", True)
        if not isinstance(accessible, bool):
            raise ConfigError(f"{where}.accessible must be true or false")
        projects.append(ProjectConfig(project_id, accessible))
    return tuple(projects)


def _parse_keys(raw: Any, known_ids: list[int]) -> tuple[KeyConfig, ...]:
    if not isinstance(raw, list):
        raise ConfigError("keys must be an array of tables ([[keys]])")
    keys: list[KeyConfig] = []
    for index, entry in enumerate(raw):
        where = f"keys[{index}]"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where} must be a table")
        _reject_unknown(entry, {"value", "scopes", "projects", "current_project"}, where)
        value = entry.get("value")
        if not isinstance(value, str) or not value or value != value.strip():
            raise ConfigError(
                f"{where}.value must be a non-empty string without surrounding spaces"
            )
        if any(k.value == value for k in keys):
            raise ConfigError(f"{where}.value {value!r} is configured twice")
        scopes = entry.get("scopes", ["*"])
        if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
            raise ConfigError(f"{where}.scopes must be a list of strings")
        for scope in scopes:
            if not SCOPE_FORMAT.fullmatch(scope):
                raise ConfigError(
                    f"{where}.scopes: unknown scope {scope!r} (expected '*' or '<object>:read'"
                    " or '<object>:write', as PostHog writes them, e.g. 'experiment:read',"
                    " 'feature_flag:write')"
                )
        limited = entry.get("projects")
        if limited is not None:
            if not isinstance(limited, list) or not limited:
                raise ConfigError(f"{where}.projects must be a non-empty list of project ids")
            for project_id in limited:
                if project_id not in known_ids or isinstance(project_id, bool):
                    raise ConfigError(
                        f"{where}.projects: {project_id!r} is not a configured project"
                    )
        current = entry.get("current_project", limited[0] if limited else known_ids[0])
        if isinstance(current, bool) or current not in known_ids:
            raise ConfigError(f"{where}.current_project: {current!r} is not a configured project")
        keys.append(
            KeyConfig(
                value=value,
                scopes=frozenset(scopes),
                projects=frozenset(limited) if limited is not None else None,
                current_project=current,
            )
        )
    return tuple(keys)


def _reject_unknown(table: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ConfigError(f"unknown key(s) in {where}: {', '.join(unknown)}")
