"""Scopes, project limits, `@current` and the order of checks (reference §9)."""

from __future__ import annotations

from parity.corpus._helpers import P_OTHER, P, create, detail_path, get, post, std_body
from parity.model import Scenario, Step

AREA = "scopes_and_projects"
MISSING = "/api/projects/{project.missing}/web_experiments/"
CURRENT = "/api/projects/@current/web_experiments/"
FOREIGN = "/api/projects/{project.foreign}/web_experiments/"

SCENARIOS = (
    Scenario(
        "scope_read_key_reads",
        AREA,
        "experiment:read lists and retrieves",
        (
            create(),
            get(P, key="read"),
            get(detail_path(), key="read"),
            Step("HEAD", detail_path(), key="read"),
        ),
    ),
    Scenario(
        "scope_read_key_cannot_write",
        AREA,
        "experiment:read is refused every write",
        (
            create(),
            post(std_body(), key="read", rule="403 write scope"),
            Step("PATCH", detail_path(), key="read", json={"name": "x", "variants": {}}),
            Step("PUT", detail_path(), key="read", json=std_body()),
            Step("DELETE", detail_path(), key="read"),
            get(detail_path(), rule="unchanged"),
        ),
    ),
    Scenario(
        "scope_write_key_reads_and_writes",
        AREA,
        "experiment:write implies read",
        (
            create(key="write"),
            get(P, key="write"),
            get(detail_path(), key="write"),
            Step(
                "PATCH",
                detail_path(),
                key="write",
                json={
                    "name": "Renamed by write",
                    "variants": {"control": {"rollout_percentage": 100}},
                },
            ),
            Step("DELETE", detail_path(), key="write"),
        ),
    ),
    Scenario(
        "scope_flag_read_key_refused",
        AREA,
        "feature_flag:read only: every operation misses its experiment scope",
        (
            create(),
            get(P, key="flag_read"),
            get(detail_path(), key="flag_read"),
            post(std_body(), key="flag_read", rule="403 write"),
            Step("PATCH", detail_path(), key="flag_read", json={"name": "x"}),
            Step("DELETE", detail_path(), key="flag_read"),
        ),
    ),
    Scenario(
        "scope_legacy_key_full_access",
        AREA,
        "a legacy key with no scopes may do everything (§11 correction)",
        (
            create(key="legacy"),
            get(P, key="legacy"),
            get(detail_path(), key="legacy"),
            Step(
                "PATCH",
                detail_path(),
                key="legacy",
                json={"name": "Legacy", "variants": {"control": {"rollout_percentage": 100}}},
            ),
            Step("PUT", detail_path(), key="legacy", json=std_body("Legacy put")),
            Step("DELETE", detail_path(), key="legacy"),
        ),
    ),
    Scenario(
        "scope_legacy_key_unsupported_methods",
        AREA,
        "a legacy key passes the scope check on undocumented methods: DRF's 405",
        (
            create(),
            Step("POST", detail_path(), key="legacy", json=std_body()),
            Step("TRACE", P, key="legacy"),
            Step("TRACE", detail_path(), key="legacy"),
            Step(
                "POST",
                "/api/projects/{project.missing}/web_experiments/{create.id}/",
                key="legacy",
                rule="the project check comes before the 405",
            ),
            Step(
                "POST",
                detail_path(),
                key="legacy",
                data='{"a":',
                content_type="application/json",
                rule="the body is parsed before the 405",
            ),
        ),
    ),
    Scenario(
        "scope_unsupported_methods_scoped_key",
        AREA,
        "undocumented methods with a scoped key: 403 personal API key access",
        (
            create(),
            Step("POST", detail_path(), json=std_body()),
            Step("TRACE", P),
            Step("TRACE", detail_path()),
            Step("POST", detail_path(), key="read", json=std_body()),
            Step("POST", detail_path(), key=None, json=std_body()),
        ),
    ),
    Scenario(
        "project_limited_key_other_project",
        AREA,
        "a key limited to another project: 403 naming the project",
        (
            get(P, key="other_only"),
            post(std_body(), key="other_only", rule="403"),
            get(P_OTHER, key="other_only", rule="its own project: 200"),
        ),
    ),
    Scenario(
        "project_limited_key_writes_own_project",
        AREA,
        "a project-limited key works in its project",
        (
            create(key="other_only", path=P_OTHER),
            get(detail_path(project="other"), key="other_only"),
            get(detail_path(), key="other_only", rule="403 on the main project"),
            Step("DELETE", detail_path(project="other"), key="other_only"),
        ),
    ),
    Scenario(
        "project_missing",
        AREA,
        "an unknown project: 404 Project not found.",
        (get(MISSING), post(std_body(), key="all", path=MISSING, rule="404"), get(MISSING + "1/")),
    ),
    Scenario(
        "project_non_numeric",
        AREA,
        "a project id that is not a number",
        (
            get("/api/projects/abc/web_experiments/"),
            get("/api/projects/-1/web_experiments/"),
            get("/api/projects/0/web_experiments/"),
            get("/api/projects/1.5/web_experiments/"),
        ),
    ),
    Scenario(
        "project_missing_before_scope",
        AREA,
        "project lookup (404) comes before the scope check (403)",
        (
            Step("POST", MISSING, key="read", json=std_body()),
            get(MISSING, key="flag_read"),
            get(MISSING, key="other_only"),
        ),
    ),
    Scenario(
        "order_body_parsed_before_permissions",
        AREA,
        "with a valid key the body is parsed before project, scope and object checks",
        (
            create(),
            Step("POST", P, key="read", data='{"a":', content_type="application/json"),
            Step("PATCH", detail_path(), key="read", data='{"a":', content_type="application/json"),
            Step("POST", MISSING, data='{"a":', content_type="application/json"),
            Step("POST", P, key="other_only", data='{"a":', content_type="application/json"),
            Step("POST", P, key="read", data="x", content_type="text/plain"),
            Step("GET", P, data='{"a":', content_type="application/json"),
            Step("DELETE", P + "abc/", data='{"a":', content_type="application/json"),
            Step(
                "POST",
                detail_path(),
                data='{"a":',
                content_type="application/json",
                rule="an unsupported method is refused before the body is read",
            ),
        ),
    ),
    Scenario(
        "project_missing_before_auth",
        AREA,
        "authentication (401) comes first",
        (get(MISSING, key=None), get(MISSING, key="unknown")),
    ),
    Scenario(
        "project_current",
        AREA,
        "@current is the key owner's current project",
        (
            get(CURRENT),
            create(path=CURRENT),
            get(detail_path(), rule="same project"),
            get("/api/projects/@current/web_experiments/{create.id}/"),
        ),
    ),
    Scenario(
        "project_current_limited_key",
        AREA,
        "@current with a project-limited key",
        (get(CURRENT, key="other_only"),),
    ),
    Scenario(
        "project_current_read_key",
        AREA,
        "@current with a read key",
        (get(CURRENT, key="read"), Step("POST", CURRENT, key="read", json=std_body())),
    ),
    Scenario(
        "project_foreign",
        AREA,
        "a project of another organization: no access",
        (
            get(FOREIGN),
            get(FOREIGN, key="read"),
            get(FOREIGN + "1/"),
            Step("POST", FOREIGN, key="flag_read", json=std_body()),
        ),
        needs=("foreign",),
    ),
    Scenario(
        "project_other_projects_experiment",
        AREA,
        "an experiment of another project is not found through this one",
        (
            create(path=P_OTHER),
            get(detail_path(), rule="404"),
            Step("PATCH", detail_path(), json={"name": "x"}),
            Step("DELETE", detail_path()),
            get(detail_path(project="other"), rule="untouched"),
            Step("DELETE", detail_path(project="other")),
        ),
    ),
    Scenario(
        "project_lists_are_separate",
        AREA,
        "each project lists only its experiments",
        (create(path=P_OTHER, step="other"), create(), get(P), get(P_OTHER)),
    ),
)
