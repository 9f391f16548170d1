"""Surface: every method on the list, the detail and unknown sub-paths, by key kind (§1, §9).

Found by the surface generator (`python -m parity surface`); recorded without the write guard
on a server of our own (`parity record --own-server`), since the guard never sends a write to
the list route or to a path that is not an experiment.
"""

from __future__ import annotations

from parity.corpus._helpers import Area, P, create, detail_path, std_body
from parity.model import NO_JSON, Step

AREA = "surface_routes"
scenario = Area(AREA)
D = detail_path()
KINDS = ("all", "write", "read", "flag_read", "other_only", "legacy", "unknown", None)
LIST_FORMS = (P, "/api/projects/{project.main}/web_experiments", P[:-1] + ".json")
ALL_METHODS = (
    "GET",
    "HEAD",
    "POST",
    "PUT",
    "PATCH",
    "DELETE",
    "OPTIONS",
    "TRACE",
    "FOO",
    "PROPFIND",
)
UNKNOWN_PATHS = (
    D + "results/",
    "/api/projects/{project.main}/web_experiments/{create.id}/results",
    "/api/projects/{project.main}/web_experiments/x/y/",
    "/api/projects/{project.main}/unknown_resource/",
)


def _by_kind(method: str, path: str, *, body: bool = False) -> tuple[Step, ...]:
    """Sign the same request with every key kind (a JSON body for `body`)."""
    return tuple(
        Step(
            method,
            path,
            key=kind,
            json=std_body(f"Surface {method} {kind}") if body else NO_JSON,
            rule=f"{method} with key {kind}",
        )
        for kind in KINDS
    )


SCENARIOS = (
    *(
        scenario(
            f"surface_list_{method.lower()}_{index}",
            f"{method} on the list route form {path}: 405 for a writer, 403 otherwise",
            *_by_kind(method, path, body=method != "DELETE"),
            Step("GET", P, rule="the list is unchanged"),
        )
        for method in ("PUT", "PATCH", "DELETE")
        for index, path in enumerate(LIST_FORMS)
    ),
    *(
        scenario(
            f"surface_unknown_path_{index}",
            f"every method on an unknown path ({path}): metadata, 405, Endpoint not found",
            create(),
            *(
                Step(method, path, key=kind, rule=f"{method} with key {kind}")
                for method in ALL_METHODS
                for kind in ("all", "read", None)
            ),
            Step("GET", D, rule="the experiment is untouched"),
        )
        for index, path in enumerate(UNKNOWN_PATHS)
    ),
    scenario(
        "surface_options_by_key_kind",
        "OPTIONS on both routes with every key kind (metadata, actions, 403s)",
        create(),
        *_by_kind("OPTIONS", P),
        *_by_kind("OPTIONS", D),
    ),
    scenario(
        "surface_unsupported_methods_by_key_kind",
        "TRACE, FOO and PROPFIND on both routes with every key kind",
        create(),
        *(step for method in ("TRACE", "FOO", "PROPFIND") for step in _by_kind(method, P)),
        *(step for method in ("TRACE", "FOO", "PROPFIND") for step in _by_kind(method, D)),
    ),
)
