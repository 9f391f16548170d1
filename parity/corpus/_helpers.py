"""Shared building blocks of the corpus: paths, bodies and step constructors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from parity.model import Scenario, Step

P: Final = "/api/projects/{project.main}/web_experiments/"
P_OTHER: Final = "/api/projects/{project.other}/web_experiments/"


def detail_path(ref: str = "create", project: str = "main") -> str:
    """Return the path of the experiment an earlier step (`ref`) created."""
    return f"/api/projects/{{project.{project}}}/web_experiments/{{{ref}.id}}/"


def std_variants() -> dict[str, Any]:
    """Return the reference's STD variants: a control and a test variant with transforms."""
    selector = "#page > #body > .header h1"
    return {
        "control": {
            "transforms": [{"html": "", "text": "There goes Superman!", "selector": selector}],
            "rollout_percentage": 70,
        },
        "test": {
            "transforms": [{"html": "", "text": "Up, UP and Away!", "selector": selector}],
            "rollout_percentage": 30,
        },
    }


def control_only() -> dict[str, Any]:
    """Return the smallest valid variants."""
    return {"control": {"rollout_percentage": 100}}


def std_body(name: str = "Zero to Web Experiment") -> dict[str, Any]:
    """Return a valid create body."""
    return {"name": name, "variants": std_variants()}


def create(
    name: str = "Parity experiment",
    *,
    variants: Any = None,
    key: str | None = "all",
    step: str = "create",
    path: str = P,
    rule: str = "",
) -> Step:
    """POST a valid experiment and name the step so later steps can use its id."""
    body = {"name": name, "variants": std_variants() if variants is None else variants}
    return Step("POST", path, key=key, json=body, name=step, rule=rule or "create: 201")


def post(body: Any, *, rule: str, key: str | None = "all", path: str = P, **kwargs: Any) -> Step:
    """POST a JSON body to a project's list (the main project's by default)."""
    return Step("POST", path, key=key, json=body, rule=rule, **kwargs)


def get(path: str, *, key: str | None = "all", rule: str = "", **kwargs: Any) -> Step:
    """GET a path."""
    return Step("GET", path, key=key, rule=rule, **kwargs)


@dataclass(frozen=True)
class Area:
    """The scenario builder of one corpus area: `(name, rule, *steps, **options)`."""

    name: str

    def __call__(self, name: str, rule: str, *steps: Step, **options: Any) -> Scenario:
        """Build a scenario of this area from its steps, in order."""
        return Scenario(name, self.name, rule, steps, **options)


def split_test(transforms: Any) -> dict[str, Any]:
    """Return variants split 50/50, the test variant with these transforms."""
    return {
        "control": {"rollout_percentage": 50},
        "test": {"rollout_percentage": 50, "transforms": transforms},
    }


def broken_json(method: str, path: str, **options: Any) -> Step:
    """Send a JSON body cut short (`{"a":`): which check comes before the body is parsed."""
    return Step(method, path, data='{"a":', content_type="application/json", **options)
