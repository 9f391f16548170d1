"""Routes and methods: both routes, every method, trailing slashes, HEAD and OPTIONS (§1)."""

from __future__ import annotations

from parity.corpus._helpers import Area, P, control_only, create, detail_path, get, std_body
from parity.model import Scenario, Step

AREA = "routes_and_methods"
scenario = Area(AREA)
D = detail_path()
NO_SLASH = "/api/projects/{project.main}/web_experiments"
D_NO_SLASH = "/api/projects/{project.main}/web_experiments/{create.id}"

SCENARIOS: tuple[Scenario, ...] = (
    scenario(
        "route_collection_without_slash",
        "the list route without trailing slash",
        get(NO_SLASH),
        Step("POST", NO_SLASH, json=std_body("No slash"), name="create"),
        get(D_NO_SLASH),
    ),
    scenario(
        "route_detail_without_slash",
        "every detail method without trailing slash",
        create(),
        get(D_NO_SLASH),
        Step("PATCH", D_NO_SLASH, json={"name": "No slash", "variants": control_only()}),
        Step("PUT", D_NO_SLASH, json=std_body("No slash put")),
        Step("HEAD", D_NO_SLASH),
        Step("OPTIONS", D_NO_SLASH),
        Step("DELETE", D_NO_SLASH),
    ),
    scenario(
        "route_options",
        "OPTIONS on both routes: DRF metadata",
        create(),
        Step("OPTIONS", P),
        Step("OPTIONS", D),
        Step("OPTIONS", P, key="read"),
        Step("OPTIONS", P, key="flag_read"),
    ),
    scenario("route_options_without_key", "OPTIONS without a key", Step("OPTIONS", P, key=None)),
    scenario("route_head_detail", "HEAD on an experiment", create(), Step("HEAD", D)),
    scenario(
        "route_experiment_id_forms",
        "ids that are not plain positive integers",
        create(),
        get(P + "abc/"),
        get(P + "0/"),
        get(P + "-1/"),
        get(P + "99999999999999999999/"),
        get(P + "1.5/"),
        get(P + "%201/"),
    ),
    scenario(
        "route_unknown_subpath",
        "paths beyond the detail route",
        create(),
        get(D + "extra/"),
        get(P + "{create.id}//"),
        get("/api/projects/{project.main}/web_experiment/"),
    ),
    scenario("route_trace", "TRACE on the list", Step("TRACE", P)),
    scenario(
        "route_unsupported_method_order",
        "an undocumented method: authentication and project checks come first",
        create(),
        Step("POST", detail_path(), key="unknown", json=std_body()),
        Step(
            "POST", "/api/projects/{project.missing}/web_experiments/{create.id}/", json=std_body()
        ),
        Step("POST", detail_path(), key="other_only", json=std_body()),
        Step("POST", detail_path(), key="flag_read", json=std_body()),
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
    scenario(
        f"routes_list_{method.lower()}",
        f"{method} on the list route, with each kind of key; the list is unchanged after",
        create(variants=control_only()),
        *(_send(method, P, key) for key in KEY_KINDS),
        get(P, rule="the list after"),
    )
    for method in ("PUT", "PATCH", "DELETE")
) + tuple(
    scenario(
        f"routes_unknown_below_{level}",
        f"every method on an unknown path below the {level}",
        create(variants=control_only()),
        *(_send(method, path, "all") for method in METHODS),
        *(_send(method, path, key) for method in ("GET", "OPTIONS") for key in ("read", None)),
    )
    for level, path in UNKNOWN_BELOW.items()
)
