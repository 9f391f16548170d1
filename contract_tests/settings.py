"""What one run of the suite targets and how far it may go, passed from the runner to pytest."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

_PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT = (_PACKAGE_DIR.parent / "openapi.yaml").is_file()
# In a checkout the suite works from the repository root; installed, from the current folder,
# with the spec shipped beside the package.
REPO_ROOT = _PACKAGE_DIR.parent if _CHECKOUT else Path.cwd()
SPEC_PATH = REPO_ROOT / "openapi.yaml" if _CHECKOUT else _PACKAGE_DIR / "openapi.yaml"
ENV_PREFIX = "CONTRACT_"
DEFAULT_MAX_EXAMPLES = 50
DEFAULT_LIVE_MAX_CREATES = 25
DEFAULT_PREFIX = "contract-suite-"
# PostHog allows 480 requests a minute per key; staying at 400 leaves room for other clients.
DEFAULT_LIVE_REQUESTS_PER_MINUTE = 400

Mode = Literal["mock", "live"]


class SettingsError(RuntimeError):
    """The run is misconfigured; the message says what to set."""


@dataclass(frozen=True)
class SuiteSettings:
    """Everything the suite needs to know about its target and its limits."""

    mode: Mode
    base_url: str
    api_key: str
    project_id: str
    seed: int
    max_examples: int = DEFAULT_MAX_EXAMPLES
    max_creates: int | None = None
    prefix: str = DEFAULT_PREFIX
    requests_per_minute: int | None = None
    read_only_key: str | None = None
    no_scope_key: str | None = None
    state_file: Path = field(default_factory=lambda: REPO_ROOT / "reports" / "contract-state.json")
    reports_dir: Path = field(default_factory=lambda: REPO_ROOT / "reports")

    def to_env(self) -> dict[str, str]:
        """Encode the settings as environment variables for the pytest process."""
        values: dict[str, str | None] = {
            "MODE": self.mode,
            "BASE_URL": self.base_url,
            "API_KEY": self.api_key,
            "PROJECT_ID": self.project_id,
            "SEED": str(self.seed),
            "MAX_EXAMPLES": str(self.max_examples),
            "MAX_CREATES": None if self.max_creates is None else str(self.max_creates),
            "PREFIX": self.prefix,
            "REQUESTS_PER_MINUTE": (
                None if self.requests_per_minute is None else str(self.requests_per_minute)
            ),
            "READ_ONLY_KEY": self.read_only_key,
            "NO_SCOPE_KEY": self.no_scope_key,
            "STATE_FILE": str(self.state_file),
            "REPORTS_DIR": str(self.reports_dir),
        }
        return {ENV_PREFIX + name: value for name, value in values.items() if value is not None}

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> SuiteSettings:
        """Decode the settings the runner put into the environment."""
        env = dict(os.environ if environ is None else environ)

        def get(name: str) -> str | None:
            return env.get(ENV_PREFIX + name) or None

        missing = [
            ENV_PREFIX + name
            for name in ("MODE", "BASE_URL", "API_KEY", "PROJECT_ID", "SEED")
            if get(name) is None
        ]
        if missing:
            raise SettingsError(
                "the contract suite runs through `python -m contract_tests`; missing "
                + ", ".join(missing)
            )
        raw_mode = get("MODE")
        if raw_mode == "mock":
            mode: Mode = "mock"
        elif raw_mode == "live":
            mode = "live"
        else:
            raise SettingsError(f"{ENV_PREFIX}MODE must be 'mock' or 'live', not {raw_mode!r}")
        max_creates = get("MAX_CREATES")
        rpm = get("REQUESTS_PER_MINUTE")
        return cls(
            mode=mode,
            base_url=str(get("BASE_URL")).rstrip("/"),
            api_key=str(get("API_KEY")),
            project_id=str(get("PROJECT_ID")),
            seed=int(str(get("SEED"))),
            max_examples=int(get("MAX_EXAMPLES") or DEFAULT_MAX_EXAMPLES),
            max_creates=None if max_creates is None else int(max_creates),
            prefix=get("PREFIX") or DEFAULT_PREFIX,
            requests_per_minute=None if rpm is None else int(rpm),
            read_only_key=get("READ_ONLY_KEY"),
            no_scope_key=get("NO_SCOPE_KEY"),
            state_file=Path(get("STATE_FILE") or REPO_ROOT / "reports" / "contract-state.json"),
            reports_dir=Path(get("REPORTS_DIR") or REPO_ROOT / "reports"),
        )
