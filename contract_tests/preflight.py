"""Before a run: one read that says, in one line, when the host or a key cannot be used."""

from __future__ import annotations

from collections.abc import Mapping

import requests

from contract_tests.targets import TargetInfo
from live_road.facts import READ_ONLY_KEY_VARIABLE, json_object, network_reason

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
