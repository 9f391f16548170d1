"""Side-by-side comparison of two runs of a scenario, with overrides classified."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Final

from parity.diff import MISSING, Difference, diff_values
from parity.executor import ScenarioRun
from parity.model import Override
from parity.overrides import overrides_for
from parity.snapshots import get_path

_STEP_PATH: Final = re.compile(r"^\[(\d+)\]\.?(.*)$")


@dataclass(frozen=True)
class Finding:
    """One difference of one step, with the override that explains it (if any)."""

    scenario: str
    step: int
    rule: str
    difference: Difference
    override: Override | None = None


@dataclass
class ScenarioComparison:
    """Everything one scenario's side-by-side run found."""

    scenario: str
    area: str
    findings: list[Finding] = field(default_factory=list)
    not_run: str | None = None

    @property
    def differences(self) -> list[Finding]:
        """Findings no override explains."""
        return [f for f in self.findings if f.override is None]

    @property
    def overridden(self) -> list[Finding]:
        """Findings a listed override explains."""
        return [f for f in self.findings if f.override is not None]


def _explained(override: Override, sub_path: str, other_exchange: dict[str, Any]) -> bool:
    covers = sub_path == override.path or sub_path.startswith(override.path + ".")
    if not covers:
        return False
    value = get_path(other_exchange, override.path)
    if override.remove:
        return value is MISSING
    return bool(value == override.value)


def compare_runs(
    reference: ScenarioRun,
    reference_exchanges: list[dict[str, Any]],
    other_exchanges: list[dict[str, Any]],
) -> ScenarioComparison:
    """Diff normalised exchanges of a reference server and another, step by step."""
    scenario = reference.scenario
    result = ScenarioComparison(scenario.name, scenario.area)
    for difference in diff_values(reference_exchanges, other_exchanges):
        match = _STEP_PATH.match(difference.path)
        step = int(match.group(1)) if match else -1
        sub_path = match.group(2) if match else difference.path
        rule = scenario.rule
        override = None
        if 0 <= step < len(reference_exchanges) and step < len(other_exchanges):
            rule = reference_exchanges[step].get("rule") or rule
            response = reference_exchanges[step]["response"]
            for candidate in overrides_for(scenario.steps[step], response):
                if _explained(candidate, sub_path, other_exchanges[step]):
                    override = candidate
                    break
        result.findings.append(
            Finding(
                scenario.name,
                step,
                rule,
                Difference(f"steps{difference.path}", difference.expected, difference.actual),
                override,
            )
        )
    return result
