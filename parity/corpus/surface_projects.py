"""Surface: project segments `int()` reads as the project, and forms it refuses (§9).

PostHog looks the project up with Python's `int()`: fullwidth and Arabic-Indic digits,
surrounding whitespace, a sign, leading zeros and underscores all name the project.
"""

from __future__ import annotations

from parity.corpus._helpers import Area
from parity.model import Scenario, Step
from parity.targets import INT_FORMS

AREA = "surface_projects"
scenario = Area(AREA)


def _list(project: str) -> str:
    return f"/api/projects/{project}/web_experiments/"


def _forms() -> tuple[Scenario, ...]:
    scenarios = []
    for form in INT_FORMS:
        segment = "{project.main_" + form + "}"
        base = _list(segment)
        scenarios.append(
            scenario(
                f"surface_project_form_{form}",
                f"the main project written as {INT_FORMS[form]!r} is the main project",
                Step("GET", base, rule="list"),
                Step(
                    "POST",
                    base,
                    json={
                        "name": f"Project form {form}",
                        "variants": {"control": {"rollout_percentage": 100}},
                    },
                    name="create",
                    rule="create",
                ),
                Step("GET", base + "{create.id}/", rule="retrieve"),
                Step("PATCH", base + "{create.id}/", json={"name": f"Form {form}"}),
                Step("GET", _list("{project.main}"), rule="listed in the main project"),
                Step("OPTIONS", base, key="read", rule="metadata"),
                Step("GET", base, key="other_only", rule="a key limited elsewhere: 403"),
                Step("POST", base, key="read", json={"name": "x"}, rule="read key: 403"),
                Step("DELETE", base + "{create.id}/", rule="delete"),
            )
        )
    return tuple(scenarios)


REFUSED = (
    "-{project.main}",
    "{project.main}a",
    "0x{project.main}",
    "0__{project.main}",
    "{project.main}_",
    "{project.main}%00",
    "%3{project.main}",
    "{project.main}%20%20x",
    "@other",
    "",
)

SCENARIOS = (
    *_forms(),
    scenario(
        "surface_project_refused_forms",
        "segments `int()` refuses, or that name no project: Project not found",
        *tuple(
            Step(method, _list(segment), key=key, rule=f"{method} {segment!r} key {key}")
            for segment in REFUSED
            for method, key in (("GET", "all"), ("POST", "write"), ("OPTIONS", "legacy"))
        ),
    ),
)
