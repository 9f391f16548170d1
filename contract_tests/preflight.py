"""Before a run: one read that says, in one line, when the host or a key cannot be used."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

from contract_tests.targets import TargetInfo
from live_road.facts import network_reason

PREFLIGHT_TIMEOUT_SECONDS = 15


class TargetUnusableError(RuntimeError):
    """The target cannot be checked; the message is one line saying what to check."""


def preflight(
    target: TargetInfo,
    host_variable: str = "POSTHOG_HOST",
    names: Mapping[str, str] | None = None,
) -> None:
    """List one experiment with each key; raise TargetUnusableError when that is impossible.

    `names` renames the variables in the messages (to the options the user gave instead).
    """
    named = names or {}
    url = f"{target.base_url}/api/projects/{target.project_id}/web_experiments/?limit=1"
    keys = [(named.get("POSTHOG_PERSONAL_API_KEY", "POSTHOG_PERSONAL_API_KEY"), target.api_key)]
    if target.read_only_key:
        variable = "POSTHOG_READ_ONLY_API_KEY"
        keys.append((named.get(variable, variable), target.read_only_key))
    host_variable = named.get("POSTHOG_HOST", host_variable)
    project_variable = named.get("POSTHOG_PROJECT_ID", "POSTHOG_PROJECT_ID")
    for variable, key in keys:
        try:
            response = requests.get(
                url, headers={"Authorization": f"Bearer {key}"}, timeout=PREFLIGHT_TIMEOUT_SECONDS
            )
        except requests.Timeout:
            raise TargetUnusableError(
                f"{target.base_url} did not answer within {PREFLIGHT_TIMEOUT_SECONDS} s;"
                f" check {host_variable} and that the server is up"
            ) from None
        except requests.RequestException as error:
            raise TargetUnusableError(
                f"cannot reach {target.base_url} ({network_reason(error)}); check {host_variable}"
                " (scheme, host, port) and that the server is running"
            ) from None
        _check_answer(response, target, variable, host_variable, project_variable)


def _check_answer(
    response: requests.Response,
    target: TargetInfo,
    variable: str,
    host_variable: str = "POSTHOG_HOST",
    project_variable: str = "POSTHOG_PROJECT_ID",
) -> None:
    status = response.status_code
    body = _json(response)
    detail = body.get("detail") if isinstance(body, dict) else None
    if status == 200 and isinstance(body, dict) and "results" in body:
        return
    said = f"{status} {detail!r}" if detail else f"{status} {response.reason}"
    if status == 401:
        raise TargetUnusableError(f"PostHog refused {variable} ({said}); check the key")
    if status == 403:
        raise TargetUnusableError(
            f"PostHog refused {variable} for project {target.project_id} ({said}); the key"
            f" needs the experiment scopes and access to {project_variable}"
        )
    if status == 404 and detail == "Project not found.":
        raise TargetUnusableError(
            f"project {target.project_id} not found at {target.base_url}; check {project_variable}"
        )
    content_type = response.headers.get("Content-Type", "no Content-Type")
    raise TargetUnusableError(
        f"{target.base_url} does not answer like PostHog (GET {response.request.path_url}"
        f" answered {said}, {content_type}); check {host_variable}"
    )


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
