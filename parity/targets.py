"""Targets: a server's base URL with its keys and projects by role, live or a fresh mock."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import quote

from live_road.facts import KEY_ROLES
from posthog_mock.profiles import BASE_VERSION

# role -> environment variable of a live run. `all` and `main` are required, the rest optional:
# a scenario whose role is not configured is reported as not run, never silently dropped.
KEY_VARIABLES: Final = {role: variable for role, (variable, _) in KEY_ROLES.items()}
PROJECT_VARIABLES: Final = {
    "main": "POSTHOG_PROJECT_ID",
    "other": "PARITY_OTHER_PROJECT_ID",
    "foreign": "PARITY_FOREIGN_PROJECT_ID",
}
HOST_VARIABLE: Final = "POSTHOG_HOST"
THROTTLED_HOST_VARIABLE: Final = "PARITY_THROTTLED_HOST"
# Keys that no server knows: constant on every target.
FIXED_KEYS: Final = {"unknown": "phx_parity_unknown_key_that_no_server_knows_00000"}
# Project ids no server has: constant on every target.
FIXED_PROJECTS: Final = {"missing": "999999999", "current": "@current"}

# Forms of the main project's id that Python's `int()` reads as that id, as PostHog does
# (`{project.main_fullwidth}` in a template): role suffix -> how the digits are written.
INT_FORMS: Final = {
    "fullwidth": "fullwidth",
    "arabic": "arabic",
    "tab": "%09{}",
    "newline": "{}%0A",
    "space": "%20{}",
    "plus": "+{}",
    "zero": "0{}",
    "underscore": "0_{}",
}
_DIGIT_ZERO: Final = {"fullwidth": "\uff10", "arabic": "\u0660"}


def int_form(form: str, project_id: str) -> str:
    """Write a project id in one of `INT_FORMS` (other scripts percent-encoded, as in a URL)."""
    if form in _DIGIT_ZERO:
        zero = ord(_DIGIT_ZERO[form])
        return quote("".join(chr(zero + int(digit)) for digit in project_id), safe="")
    return form.replace("{}", project_id)


MOCK_KEYS: Final = {
    "all": ("phx_mock_parity_all", '["*"]', None),
    "read": ("phx_mock_parity_read", '["experiment:read"]', None),
    "write": ("phx_mock_parity_write", '["experiment:write"]', None),
    "other_only": ("phx_mock_parity_other_only", '["*"]', "other"),
    "flag_read": ("phx_mock_parity_flag_read", '["feature_flag:read"]', None),
    "legacy": ("phx_mock_parity_legacy", "[]", None),
    "throttle": ("phx_mock_parity_throttle", '["*"]', None),
}
MOCK_PROJECTS: Final = {"main": 1, "other": 2, "foreign": 3}
# The recorded server takes JSON bodies of any size (DRF streams them past Django's
# DATA_UPLOAD_MAX_MEMORY_SIZE); the mock's own default limit is 1 MiB, so it is raised here.
MOCK_MAX_BODY_BYTES: Final = 64 * 1024 * 1024
# The mock profile of the PostHog the snapshots were recorded on.
RECORDED_PROFILE: Final = BASE_VERSION


class TargetConfigError(ValueError):
    """The environment does not describe a usable target."""


@dataclass(frozen=True)
class ParityTarget:
    """A server the corpus can run against: base URLs, keys by role, projects by role."""

    name: str
    base_url: str
    keys: Mapping[str, str]
    projects: Mapping[str, str]
    throttled_base_url: str | None = None
    live: bool = False
    reset_urls: tuple[str, ...] = ()

    def base_for(self, server: str) -> str | None:
        """Return the base URL of the `default` or `throttled` server (None: not configured)."""
        return self.base_url if server == "default" else self.throttled_base_url

    def all_keys(self) -> dict[str, str]:
        """Return the configured keys plus the fixed ones."""
        return {**FIXED_KEYS, **self.keys}

    def all_projects(self) -> dict[str, str]:
        """Return the configured projects, the fixed ones and the main one's `int()` forms."""
        forms = {
            f"main_{name}": int_form(form, self.projects["main"])
            for name, form in INT_FORMS.items()
            if self.projects.get("main", "").isdigit()
        }
        return {**FIXED_PROJECTS, **self.projects, **forms}


def from_environment(environ: Mapping[str, str], *, name: str = "live") -> ParityTarget:
    """Describe the live PostHog named by POSTHOG_HOST, POSTHOG_PROJECT_ID, ... (see docs)."""
    required = [HOST_VARIABLE, KEY_VARIABLES["all"], PROJECT_VARIABLES["main"]]
    missing = [var for var in required if not environ.get(var, "").strip()]
    if missing:
        raise TargetConfigError("needs " + ", ".join(missing) + " (nothing was sent)")
    keys = {role: environ[var].strip() for role, var in KEY_VARIABLES.items() if environ.get(var)}
    projects = {
        role: environ[var].strip()
        for role, var in PROJECT_VARIABLES.items()
        if environ.get(var, "").strip()
    }
    for role, value in projects.items():
        if not value.isdigit():
            raise TargetConfigError(f"{PROJECT_VARIABLES[role]} must be a numeric id: {value!r}")
    throttled = environ.get(THROTTLED_HOST_VARIABLE, "").strip().rstrip("/") or None
    return ParityTarget(
        name=name,
        base_url=environ[HOST_VARIABLE].strip().rstrip("/"),
        keys=keys,
        projects=projects,
        throttled_base_url=throttled,
        live=True,
    )


def mock_config_toml(*, rate_limit: bool, profile: str = RECORDED_PROFILE) -> str:
    """Render the mock configuration that mirrors the recording setup role for role."""
    lines = [
        "[server]",
        f"posthog_version = {json.dumps(profile)}",
        f"rate_limit = {'true' if rate_limit else 'false'}",
        # The recorded server runs without a proxy in front (IS_BEHIND_PROXY off).
        "behind_proxy = false",
        f"max_body_bytes = {MOCK_MAX_BODY_BYTES}",
    ]
    lines.append("")
    for role, project_id in MOCK_PROJECTS.items():
        lines += ["[[projects]]", f"id = {project_id}"]
        if role == "foreign":
            lines.append("accessible = false")
        lines.append("")
    for value, scopes, limited in MOCK_KEYS.values():
        lines += ["[[keys]]", f'value = "{value}"', f"scopes = {scopes}"]
        if limited is not None:
            lines.append(f"projects = [{MOCK_PROJECTS[limited]}]")
        # Every key belongs to one user whose current project is the main one, as when recording.
        lines.append(f"current_project = {MOCK_PROJECTS['main']}")
        lines.append("")
    return "\n".join(lines)


@contextmanager
def mock_target(
    workdir: Path | None = None, *, profile: str = RECORDED_PROFILE
) -> Iterator[ParityTarget]:
    """Start two fresh mocks (rate limits off and on) answering as `profile`, set up as recorded."""
    from posthog_mock.testing import MockServer  # noqa: PLC0415 (only for mock runs)

    with ExitStack() as stack:
        if workdir is None:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="parity-")))
        bases: dict[bool, str] = {}
        for rate_limit in (False, True):
            config = workdir / f"mock-{'throttled' if rate_limit else 'default'}.toml"
            config.write_text(
                mock_config_toml(rate_limit=rate_limit, profile=profile), encoding="utf-8"
            )
            server = stack.enter_context(MockServer.start(config_path=config))
            bases[rate_limit] = str(server.base_url).rstrip("/")
        yield ParityTarget(
            name=f"mock {profile}",
            base_url=bases[False],
            throttled_base_url=bases[True],
            keys={role: value for role, (value, _, _) in MOCK_KEYS.items()},
            projects={role: str(pid) for role, pid in MOCK_PROJECTS.items()},
            reset_urls=tuple(f"{base}/_mock/reset" for base in bases.values()),
        )
