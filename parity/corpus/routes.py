"""Routes and methods: both routes, every method, trailing slashes, HEAD and OPTIONS (§1)."""

from __future__ import annotations

from parity.corpus._helpers import P, control_only, create, detail_path, get, std_body
from parity.model import Scenario, Step

AREA = "routes_and_methods"
D = detail_path()
NO_SLASH = "/api/projects/{project.main}/web_experiments"
D_NO_SLASH = "/api/projects/{project.main}/web_experiments/{create.id}"

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "route_collection_without_slash",
        AREA,
        "the list route without trailing slash",
        (
            get(NO_SLASH),
            Step("POST", NO_SLASH, json=std_body("No slash"), name="create"),
            get(D_NO_SLASH),
        ),
    ),
    Scenario(
        "route_detail_without_slash",
        AREA,
        "every detail method without trailing slash",
        (
            create(),
            get(D_NO_SLASH),
            Step("PATCH", D_NO_SLASH, json={"name": "No slash", "variants": control_only()}),
            Step("PUT", D_NO_SLASH, json=std_body("No slash put")),
            Step("HEAD", D_NO_SLASH),
            Step("OPTIONS", D_NO_SLASH),
            Step("DELETE", D_NO_SLASH),
        ),
    ),
    Scenario(
        "route_options",
        AREA,
        "OPTIONS on both routes: DRF metadata",
        (
            create(),
            Step("OPTIONS", P),
            Step("OPTIONS", D),
            Step("OPTIONS", P, key="read"),
            Step("OPTIONS", P, key="flag_read"),
        ),
    ),
    Scenario(
        "route_options_without_key", AREA, "OPTIONS without a key", (Step("OPTIONS", P, key=None),)
    ),
    Scenario("route_head_detail", AREA, "HEAD on an experiment", (create(), Step("HEAD", D))),
    Scenario(
        "route_experiment_id_forms",
        AREA,
        "ids that are not plain positive integers",
        (
            create(),
            get(P + "abc/"),
            get(P + "0/"),
            get(P + "-1/"),
            get(P + "99999999999999999999/"),
            get(P + "1.5/"),
            get(P + "%201/"),
        ),
    ),
    Scenario(
        "route_unknown_subpath",
        AREA,
        "paths beyond the detail route",
        (
            create(),
            get(D + "extra/"),
            get(P + "{create.id}//"),
            get("/api/projects/{project.main}/web_experiment/"),
        ),
    ),
    Scenario("route_trace", AREA, "TRACE on the list", (Step("TRACE", P),)),
    Scenario(
        "route_unsupported_method_order",
        AREA,
        "an undocumented method: authentication and project checks come first",
        (
            create(),
            Step("POST", detail_path(), key="unknown", json=std_body()),
            Step(
                "POST",
                "/api/projects/{project.missing}/web_experiments/{create.id}/",
                json=std_body(),
            ),
            Step("POST", detail_path(), key="other_only", json=std_body()),
            Step("POST", detail_path(), key="flag_read", json=std_body()),
        ),
    ),
)

# Requests the live guard never sends to a user's PostHog, recorded with `--own-server`.
KEY_KINDS = ("all", "read", "write", "flag_read", "legacy", "other_only", "unknown", None)
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "FOO", "PROPFIND")
UNKNOWN_BELOW = {
    "project": "/api/projects/{project.main}/no_such_route/",
    "list": P + "x/y/",
    "experiment": D + "results/",
}


def _send(method: str, path: str, key: str | None) -> Step:
    body = std_body() if method in ("POST", "PUT", "PATCH") else None
    rule = f"{method} with key {key or 'none'}"
    if body is None:
        return Step(method, path, key=key, rule=rule)
    return Step(method, path, key=key, json=body, rule=rule)


SCENARIOS += tuple(
    Scenario(
        f"routes_list_{method.lower()}",
        AREA,
        f"{method} on the list route, with each kind of key; the list is unchanged after",
        (
            create(variants=control_only()),
            *(_send(method, P, key) for key in KEY_KINDS),
            get(P, rule="the list after"),
        ),
    )
    for method in ("PUT", "PATCH", "DELETE")
) + tuple(
    Scenario(
        f"routes_unknown_below_{level}",
        AREA,
        f"every method on an unknown path below the {level}",
        (
            create(variants=control_only()),
            *(_send(method, path, "all") for method in METHODS),
            *(_send(method, path, key) for method in ("GET", "OPTIONS") for key in ("read", None)),
        ),
    )
    for level, path in UNKNOWN_BELOW.items()
)
