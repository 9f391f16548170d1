"""What one run of the suite targets and how far it may go: one JSON file from runner to pytest."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

_PACKAGE_DIR = Path(__file__).resolve().parent
_CHECKOUT = (_PACKAGE_DIR.parent / "openapi.yaml").is_file()
# In a checkout the suite works from the repository root; installed, from the current folder,
# with the spec shipped beside the package.
REPO_ROOT = _PACKAGE_DIR.parent if _CHECKOUT else Path.cwd()
SPEC_PATH = REPO_ROOT / "openapi.yaml" if _CHECKOUT else _PACKAGE_DIR / "openapi.yaml"
SETTINGS_FILE = "contract-settings.json"
RESULTS_FILE = "contract-results.json"
DEFAULT_MAX_EXAMPLES = 50
DEFAULT_LIVE_MAX_CREATES = 25
DEFAULT_PREFIX = "contract-suite-"
# PostHog allows 480 requests a minute per key; staying at 400 leaves room for other clients.
DEFAULT_LIVE_REQUESTS_PER_MINUTE = 400

Mode = Literal["mock", "live"]
# The settings that are paths: JSON holds them as strings.
PATH_FIELDS = ("state_file", "reports_dir", "baseline_file")


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
    baseline_file: Path | None = None
    update_baseline: bool = False
    destructive_probes: bool = False

    @property
    def results_file(self) -> Path:
        """Where the pytest process records every check result and test outcome."""
        return self.reports_dir / RESULTS_FILE

    def save(self, path: Path) -> None:
        """Write the settings as one JSON file (owner-only: it holds the keys) for pytest."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=True)
        path.write_text(json.dumps(asdict(self), indent=2, default=str), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> SuiteSettings:
        """Read the settings file the runner wrote."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise SettingsError(
                f"cannot read the suite settings {path} ({error}); the contract suite runs"
                " through `python -m contract_tests`"
            ) from None
        if data.get("mode") not in ("mock", "live"):
            raise SettingsError(f"{path}: mode must be 'mock' or 'live', not {data.get('mode')!r}")
        paths = {name: Path(data[name]) for name in PATH_FIELDS if data[name] is not None}
        return cls(**{**data, **paths})
