"""Client settings resolved from explicit arguments, then the environment, then defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping

import attrs
import httpx

from ._errors import ConfigurationError

ENV_API_KEY = "POSTHOG_PERSONAL_API_KEY"
ENV_HOST = "POSTHOG_HOST"
ENV_PROJECT_ID = "POSTHOG_PROJECT_ID"
ENV_LOG = "POSTHOG_LOG"

DEFAULT_HOST = "https://us.posthog.com"
DEFAULT_PROJECT_ID = "@current"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)


@attrs.frozen
class Settings:
    """Where and as whom the client talks; the key never appears in its repr."""

    api_key: str = attrs.field(repr=False)
    host: str
    project_id: str


def resolve_settings(
    *,
    api_key: str | None,
    host: str | None,
    project_id: str | int | None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Combine arguments with ``POSTHOG_*`` variables; raise before any request if no key."""
    env = os.environ if environ is None else environ
    key = api_key if api_key is not None else env.get(ENV_API_KEY, "")
    if not key.strip():
        raise ConfigurationError(
            f"No PostHog personal API key: pass api_key=... or set {ENV_API_KEY}."
        )
    base = (host if host is not None else env.get(ENV_HOST, "")).strip() or DEFAULT_HOST
    if not base.startswith(("http://", "https://")):
        raise ConfigurationError(f"PostHog host must start with http:// or https://, got {base!r}.")
    project = project_id if project_id is not None else env.get(ENV_PROJECT_ID, "")
    project = str(project).strip() or DEFAULT_PROJECT_ID
    return Settings(api_key=key.strip(), host=base.rstrip("/"), project_id=project)


def coerce_timeout(timeout: float | httpx.Timeout) -> httpx.Timeout:
    """Turn a number of seconds into an httpx timeout applying to every phase."""
    return timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
