"""What the suite runs against: the embedded mock server, or a server named by options or
environment variables."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from contract_tests.settings import SettingsError
from live_road.facts import READ_ONLY_KEY_VARIABLE

# What PostHog takes for a project in a URL: its numeric id, or the key's current project.
CURRENT_PROJECT = "@current"
# Each variable naming the server, with the command-line option that stands for it (the option
# wins when both are set), the option's metavar and help. The read-only key is optional: with
# it, scope enforcement is checked live too.
SERVER_VALUES = {
    "POSTHOG_HOST": ("--host", "URL", "base URL, e.g. https://us.posthog.com"),
    "POSTHOG_PROJECT_ID": (
        "--project-id",
        "ID",
        f"numeric project id, or {CURRENT_PROJECT} for the key's current project",
    ),
    "POSTHOG_PERSONAL_API_KEY": ("--api-key", "KEY", "personal API key"),
    READ_ONLY_KEY_VARIABLE: (
        "--read-only-api-key",
        "KEY",
        "a key with only experiment:read, to check scopes",
    ),
}
OPTIONS = {variable: option for variable, (option, _, _) in SERVER_VALUES.items()}
LIVE_VARIABLES = ("POSTHOG_HOST", "POSTHOG_PROJECT_ID", "POSTHOG_PERSONAL_API_KEY")

MOCK_FULL_KEY = "phx_contract_all_scopes"
MOCK_READ_ONLY_KEY = "phx_contract_read_only"
MOCK_NO_SCOPE_KEY = "phx_contract_no_scopes"
MOCK_PROJECT_ID = 1
MOCK_CONFIG = f"""\
[server]
rate_limit = false

[[projects]]
id = {MOCK_PROJECT_ID}

[[keys]]
value = "{MOCK_FULL_KEY}"
scopes = ["*"]
current_project = {MOCK_PROJECT_ID}

[[keys]]
value = "{MOCK_READ_ONLY_KEY}"
scopes = ["experiment:read"]
current_project = {MOCK_PROJECT_ID}

[[keys]]
value = "{MOCK_NO_SCOPE_KEY}"  # no experiment scope (a key with none at all is a legacy key)
scopes = ["feature_flag:read"]
current_project = {MOCK_PROJECT_ID}
"""


@dataclass(frozen=True)
class TargetInfo:
    """A server to check, the project to use and the keys to use it with."""

    base_url: str
    project_id: str
    api_key: str
    read_only_key: str | None = None
    no_scope_key: str | None = None


def live_target(
    environ: Mapping[str, str],
    options: Mapping[str, str | None] | None = None,
    *,
    command: str = "python -m contract_tests --live",
) -> TargetInfo:
    """The server named by the options (`OPTIONS`' values) or else by the POSTHOG_* variables.

    `command` is what the user ran, named in the errors: a make target is told about
    variables only (its options go through CONTRACT_ARGS), a command about both.
    """
    given = options or {}

    def value(variable: str) -> str:
        option = given.get(OPTIONS[variable])
        return (option if option is not None else environ.get(variable, "")).strip()

    missing = [name for name in LIVE_VARIABLES if not value(name)]
    if missing:
        if command.startswith("make "):
            names = ", ".join(missing)
        else:
            names = ", ".join(f"{OPTIONS[name]} or {name}" for name in missing)
        raise SettingsError(f"{command} needs {names} (nothing was sent)")
    project_id = value("POSTHOG_PROJECT_ID")
    if not project_id.isdigit() and project_id != CURRENT_PROJECT:
        raise SettingsError(
            f"the project ({OPTIONS['POSTHOG_PROJECT_ID']} or POSTHOG_PROJECT_ID) must be a"
            f" numeric project id or {CURRENT_PROJECT} (the key's current project),"
            f" not {project_id!r}"
        )
    return TargetInfo(
        base_url=value("POSTHOG_HOST").rstrip("/"),
        project_id=project_id,
        api_key=value("POSTHOG_PERSONAL_API_KEY"),
        read_only_key=value(READ_ONLY_KEY_VARIABLE) or None,
    )


@contextmanager
def mock_target() -> Iterator[TargetInfo]:
    """Start posthog_mock on a free loopback port with a fresh database; stop it afterwards."""
    from posthog_mock.testing import MockServer  # noqa: PLC0415  (only needed for mock runs)

    with tempfile.TemporaryDirectory(prefix="contract-mock-") as tmp:
        config_path = Path(tmp) / "mock.toml"
        config_path.write_text(MOCK_CONFIG, encoding="utf-8")
        with MockServer.start(db_path=Path(tmp) / "mock.db", config_path=config_path) as server:
            yield TargetInfo(
                base_url=str(server.base_url).rstrip("/"),
                project_id=str(MOCK_PROJECT_ID),
                api_key=MOCK_FULL_KEY,
                read_only_key=MOCK_READ_ONLY_KEY,
                no_scope_key=MOCK_NO_SCOPE_KEY,
            )
