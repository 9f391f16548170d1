"""What the suite runs against: the embedded mock server, or a server named by options or
environment variables; and the one read before a run that says, in one line, when the host or
a key cannot be used."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from contract_tests.settings import SettingsError
from live_road.facts import READ_ONLY_KEY_VARIABLE, json_object, network_reason

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
        make = command.startswith("make ")
        names = ", ".join(name if make else f"{OPTIONS[name]} or {name}" for name in missing)
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


PREFLIGHT_TIMEOUT_SECONDS = 15


class TargetUnusableError(RuntimeError):
    """The target cannot be checked; the message is one line saying what to check."""


def preflight(target: TargetInfo, names: Mapping[str, str]) -> None:
    """List one experiment with each key; raise TargetUnusableError when that is impossible.

    `names` renames the variables in the messages (to the options the user gave instead, or
    POSTHOG_HOST to the embedded mock).
    """

    def name(variable: str) -> str:
        return names.get(variable, variable)

    url = f"{target.base_url}/api/projects/{target.project_id}/web_experiments/?limit=1"
    keys = [("POSTHOG_PERSONAL_API_KEY", target.api_key)]
    if target.read_only_key:
        keys.append((READ_ONLY_KEY_VARIABLE, target.read_only_key))
    host = name("POSTHOG_HOST")
    for variable, key in keys:
        try:
            response = requests.get(
                url, headers={"Authorization": f"Bearer {key}"}, timeout=PREFLIGHT_TIMEOUT_SECONDS
            )
        except requests.Timeout:
            raise TargetUnusableError(
                f"{target.base_url} did not answer within {PREFLIGHT_TIMEOUT_SECONDS} s;"
                f" check {host} and that the server is up"
            ) from None
        except requests.RequestException as error:
            raise TargetUnusableError(
                f"cannot reach {target.base_url} ({network_reason(error)}); check {host}"
                " (scheme, host, port) and that the server is running"
            ) from None
        _check_answer(response, target, name(variable), host, name("POSTHOG_PROJECT_ID"))


def _check_answer(
    response: requests.Response, target: TargetInfo, key: str, host: str, project: str
) -> None:
    status = response.status_code
    body = json_object(response)
    detail = body.get("detail")
    if status == 200 and "results" in body:
        return
    said = f"{status} {detail!r}" if detail else f"{status} {response.reason}"
    if status == 401:
        raise TargetUnusableError(f"PostHog refused {key} ({said}); check the key")
    if status == 403:
        raise TargetUnusableError(
            f"PostHog refused {key} for project {target.project_id} ({said}); the key"
            f" needs the experiment scopes and access to {project}"
        )
    if status == 404 and detail == "Project not found.":
        raise TargetUnusableError(
            f"project {target.project_id} not found at {target.base_url}; check {project}"
        )
    content_type = response.headers.get("Content-Type", "no Content-Type")
    raise TargetUnusableError(
        f"{target.base_url} does not answer like PostHog (GET {response.request.path_url}"
        f" answered {said}, {content_type}); check {host}"
    )
