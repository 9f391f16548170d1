"""What is known about PostHog's API once, for every live tool: ids, hosts, keys, 429s, headers."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import unquote, urlsplit

import requests

SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "QUERY"})
WRITE_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Response headers that say how the server was deployed, not what PostHog's code answers; every
# other header is recorded and compared (docs/parity.md says why each of these is left out).
DEPLOYMENT_HEADERS: Final = frozenset(
    {
        "server",
        "date",
        "connection",
        "keep-alive",
        "transfer-encoding",
        "content-length",
        "set-cookie",
        "via",
        "alt-svc",
        "strict-transport-security",
    }
)
# Headers of one connection, never forwarded from one server's request or answer to another.
HOP_BY_HOP: Final = frozenset(
    {
        "host",
        "content-length",
        "connection",
        "keep-alive",
        "transfer-encoding",
        "te",
        "proxy-connection",
        "upgrade",
    }
)
# The scopes of a personal API key each job needs (PostHog's scope names).
READ_SCOPE: Final = "experiment:read"
WRITE_SCOPE: Final = "experiment:write"
FLAG_WRITE_SCOPE: Final = "feature_flag:write"
# Key roles by environment variable, and the scopes each role's key holds (the live tools').
KEY_ROLES: Final = {
    "all": (
        "POSTHOG_PERSONAL_API_KEY",
        "experiment:read, experiment:write, feature_flag:read, feature_flag:write",
    ),
    "read": ("PARITY_READ_KEY", READ_SCOPE),
    "write": ("PARITY_WRITE_KEY", WRITE_SCOPE),
    "other_only": ("PARITY_OTHER_PROJECT_KEY", "all scopes, another project only"),
    "flag_read": ("PARITY_FLAG_READ_KEY", "feature_flag:read"),
    "legacy": ("PARITY_LEGACY_KEY", "no scopes (a key made before scopes)"),
    "throttle": ("PARITY_THROTTLE_KEY", "all scopes, for the rate-limited server"),
}
READ_ONLY_KEY_VARIABLE: Final = "POSTHOG_READ_ONLY_API_KEY"
# PostHog names a web experiment's flag after it and keeps it when the experiment is deleted;
# it deletes a flag only by this PATCH (DELETE answers 405).
FLAG_NAME_PREFIX: Final = "Feature Flag for Experiment "
SOFT_DELETE: Final[dict[str, Any]] = {"deleted": True}
THROTTLE_WAIT: Final = re.compile(r"available in (\d+(?:\.\d+)?) seconds?")
MAX_THROTTLE_WAIT_SECONDS: Final = 120.0


def segment_id(segment: str) -> int | None:
    """The id a path segment reaches, or None when it cannot be one.

    PostHog looks ids up with `int()`, which also accepts "+1", " 1", "0001", "1_0" and digits
    of other scripts, so every segment `int()` accepts (once percent-decoded) counts as an id.
    """
    try:
        return int(unquote(segment))
    except ValueError:
        return None


def as_id(value: object) -> int | None:
    """An id from a response body, also when a broken server sends it as a digit string."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def json_object(response: requests.Response) -> dict[str, Any]:
    """The response's JSON object, or an empty one when it is not a JSON object."""
    try:
        body = json.loads(response.content or b"null")
    except (ValueError, RecursionError):
        return {}
    return body if isinstance(body, dict) else {}


def created_id(response: requests.Response) -> int | None:
    """The id of what a create stored: any 2xx whose JSON object has an `id`, else None."""
    if not 200 <= response.status_code < 300:
        return None
    return as_id(json_object(response).get("id"))


def posthog_cloud_host(base_url: str) -> str | None:
    """The host of `base_url` when it is PostHog Cloud (posthog.com or a subdomain), else None.

    Nothing is sent there without the live guard: no own-server runs, no destructive probes.
    """
    host = (urlsplit(base_url).hostname or "").lower().rstrip(".")
    return host if host == "posthog.com" or host.endswith(".posthog.com") else None


def throttle_wait_seconds(response: requests.Response) -> float:
    """How long a 429 asks to wait: `Retry-After` if present, else the number in `detail`."""
    retry_after = response.headers.get("Retry-After")
    if retry_after is not None:
        try:
            return min(float(retry_after), MAX_THROTTLE_WAIT_SECONDS)
        except ValueError:
            pass
    match = THROTTLE_WAIT.search(str(json_object(response).get("detail", "")))
    return min(float(match.group(1)), MAX_THROTTLE_WAIT_SECONDS) if match else 1.0


def network_reason(error: BaseException) -> str:
    """The innermost cause of a requests error, e.g. `Connection refused`."""
    while error.__context__ is not None:
        error = error.__context__
    text = str(error)
    return text.rsplit("] ", 1)[-1] if "] " in text else text or type(error).__name__


def origin(url: str) -> str:
    """`scheme://host:port` of a URL, lower-cased."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


@dataclass(frozen=True)
class Target:
    """Where experiments live: the base URL and the project a run writes to."""

    base_url: str
    project_id: str

    @property
    def collection_path(self) -> str:
        """Path of the project's experiment list."""
        return self.collection_in(self.project_id)

    def collection_in(self, project_id: str) -> str:
        """Path of another project's experiment list on the same server."""
        base_path = urlsplit(self.base_url).path.rstrip("/")
        return f"{base_path}/api/projects/{project_id}/web_experiments/"

    @property
    def flags_path(self) -> str:
        """Path of the project's feature flag list."""
        return self.flags_in(self.project_id)

    def flags_in(self, project_id: str) -> str:
        """Path of a project's feature flag list on the same server."""
        base_path = urlsplit(self.base_url).path.rstrip("/")
        return f"{base_path}/api/projects/{project_id}/feature_flags/"

    def url(self, path: str) -> str:
        """The absolute URL of a path on the target."""
        return origin(self.base_url) + path


def resource_path_parts(path: str, base_url: str, resource: str) -> tuple[str, str | None] | None:
    """Split `<base>/api/projects/{p}/<resource>/[{id}/]` into (p, id or None); None if not one."""
    base_path = re.escape(urlsplit(base_url).path.rstrip("/"))
    match = re.fullmatch(base_path + rf"/api/projects/([^/]+)/{resource}/?(?:([^/]+)/?)?", path)
    if match is None:
        return None
    return match.group(1), match.group(2)


def experiment_path_parts(path: str, base_url: str) -> tuple[str, str | None] | None:
    """Split an experiments URL path into (project_id, experiment id or None); None if not one."""
    return resource_path_parts(path, base_url, "web_experiments")


def flag_path_parts(path: str, base_url: str) -> tuple[str, str | None] | None:
    """Split a feature flags URL path into (project_id, flag id or None); None if not one."""
    return resource_path_parts(path, base_url, "feature_flags")
