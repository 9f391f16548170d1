"""The parity core on its own: templates, transformers, the path-level diff, targets, tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

from live_road.facts import Target, posthog_cloud_host
from live_road.journal import Journal
from live_road.policy import Policy, UnsafeRequestRefusedError
from live_road.transport import open_session
from parity.cli import main
from parity.corpus import SCENARIOS
from parity.diff import MISSING, Difference, diff_values
from parity.executor import Interruption, missing_roles, summarise_response
from parity.model import Context, Scenario, Step, TemplateError
from parity.replay import ScenarioReplay, coverage, lost_coverage, with_section
from parity.snapshots import build_snapshot
from parity.targets import (
    MOCK_KEYS,
    ParityTarget,
    TargetConfigError,
    from_environment,
    mock_config_toml,
)
from parity.transformers import normalise
from posthog_mock.testing import MockServer

TARGET = ParityTarget(
    name="t",
    base_url="http://127.0.0.1:8020",
    keys={"all": "k"},
    projects={"main": "3", "other": "4"},
)


def exchange(status: int, body: Any, headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "rule": "r",
        "request": {"method": "GET", "path": "/", "key": "all"},
        "response": {"status": status, "headers": headers or {}, "body": body},
    }


def test_context_renders_projects_keys_and_earlier_results() -> None:
    context = Context({"main": "3"}, {"read": "phx_r"}, results={"create": {"id": 17}})

    rendered = context.render(
        "/api/projects/{project.main}/web_experiments/{create.id}/?k={key.read}"
    )

    assert rendered == "/api/projects/3/web_experiments/17/?k=phx_r"


def test_context_unknown_step_raises_template_error() -> None:
    with pytest.raises(TemplateError, match="no step named 'create'"):
        Context({}, {}).render("{create.id}")


def test_missing_roles_names_every_unconfigured_role() -> None:
    scenario = Scenario(
        "s", "a", "r", (Step("GET", "/api/projects/{project.foreign}/x", key="legacy"),)
    )

    assert missing_roles(scenario, TARGET) == ["key.legacy", "project.foreign"]


def test_normalise_replaces_ids_hosts_projects_suffixes_and_recent_timestamps() -> None:
    raw = [
        exchange(
            201,
            {
                "id": 812,
                "created_at": "2099-01-01T00:00:00Z",
                "feature_flag_key": "a-web-experiment-feature-0123456789",
            },
        ),
        exchange(
            200,
            {
                "next": "https://127.0.0.1:8020/api/projects/4/web_experiments/812/?limit=1",
                "detail": "API key does not have access to the requested project: ID 3.",
            },
        ),
    ]

    first, second = normalise(raw, TARGET)

    assert first["response"]["body"] == {
        "id": "<id:1>",
        "created_at": "2099-01-01T00:00:00Z",
        "feature_flag_key": "a-web-experiment-feature-<suffix>",
    }
    assert second["response"]["body"] == {
        "next": "https://<host>/api/projects/<project.other>/web_experiments/<id:1>/?limit=1",
        "detail": "API key does not have access to the requested project: ID <project.main>.",
    }
    assert raw[0]["response"]["body"]["id"] == 812


def test_diff_values_reports_every_path_and_key_order() -> None:
    expected = {"a": 1, "b": [1, 2], "c": {"x": 1, "y": 2}, "d": True}
    actual = {"a": 1.0, "b": [1], "c": {"y": 2, "x": 1}, "e": None, "d": 1}

    assert diff_values(expected, actual) == [
        Difference("a", 1, 1.0),
        Difference("b[1]", 2, MISSING),
        Difference("c.<key order>", ["x", "y"], ["y", "x"]),
        Difference("d", True, 1),
        Difference("e", MISSING, None),
    ]


def test_diff_values_ignores_header_order() -> None:
    assert diff_values({"headers": {"a": "1", "b": "2"}}, {"headers": {"b": "2", "a": "1"}}) == []


def test_snapshot_comparison_reports_each_difference_from_the_recording() -> None:
    scenario = Scenario("s", "a", "r", (Step("GET", "/"),))
    snapshot = build_snapshot(scenario, [exchange(500, None)], {"server": "x", "date": "d"})

    assert "overrides" not in snapshot
    assert diff_values(snapshot["exchanges"], [exchange(500, None)]) == []
    found = ScenarioReplay("s", diff_values(snapshot["exchanges"], [exchange(400, None)]))
    assert found.steps == {0}
    assert found.report("snapshot", "2025-08") == (
        "s: 1 difference(s) from the snapshot\nsteps[0].response.status\n"
        "    snapshot: 500\n    2025-08: 400"
    )


def test_diff_values_tells_negative_zero_from_zero() -> None:
    assert diff_values({"x": -0.0}, {"x": 0.0}) == [Difference("x", -0.0, 0.0)]
    assert diff_values({"x": 1e16}, {"x": 10000000000000000}) != []


def test_allow_of_the_unknown_path_view_is_sorted_and_other_allows_are_kept() -> None:
    unknown = exchange(404, None, {"allow": "HEAD, OPTIONS, PATCH, GET, DELETE, POST, PUT"})
    listed = exchange(200, None, {"allow": "GET, POST, HEAD, OPTIONS"})

    first, second = normalise([unknown, listed], TARGET)

    assert first["response"]["headers"]["allow"] == (
        "<any order: DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT>"
    )
    assert second["response"]["headers"]["allow"] == "GET, POST, HEAD, OPTIONS"


def test_summarise_response_keeps_every_header_but_the_deployment_ones() -> None:
    response = requests.Response()
    response.status_code = 200
    response._content = b'{"a": 1}'
    response.headers.update(
        {
            "Server": "gunicorn",
            "Date": "Sun, 06 Dec 2026 21:13:43 GMT",
            "Connection": "keep-alive",
            "Content-Length": "8",
            "Content-Type": "application/json",
            "Vary": "Origin",
            "X-Frame-Options": "SAMEORIGIN",
        }
    )

    assert summarise_response(response) == {
        "status": 200,
        "headers": {
            "content-type": "application/json",
            "vary": "Origin",
            "x-frame-options": "SAMEORIGIN",
        },
        "body": {"a": 1},
    }


@pytest.mark.parametrize(
    ("url", "cloud"),
    [
        pytest.param("https://us.posthog.com", True, id="us"),
        pytest.param("https://eu.posthog.com/", True, id="eu"),
        pytest.param("https://POSTHOG.COM.", True, id="apex"),
        pytest.param("https://posthog.com.example.org", False, id="lookalike"),
        pytest.param("http://127.0.0.1:8020", False, id="loopback"),
    ],
)
def test_posthog_cloud_names_only_posthog_com_hosts(url: str, cloud: bool) -> None:
    assert (posthog_cloud_host(url) is not None) is cloud


@pytest.mark.parametrize("command", ["record", "live"])
def test_own_server_on_posthog_cloud_is_refused_and_sends_nothing(
    command: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("POSTHOG_HOST", "https://us.posthog.com")
    monkeypatch.setenv("POSTHOG_PROJECT_ID", "3")
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", "k")

    assert main([command, "--own-server"]) == 2
    assert capsys.readouterr().err == (
        "error: --own-server is refused for PostHog Cloud (https://us.posthog.com): the live"
        " guard stays on for every project there\n"
    )


def test_own_server_session_sends_the_list_route_write_the_guard_refuses(
    tmp_path: Path,
) -> None:
    config = tmp_path / "mock.toml"
    config.write_text(mock_config_toml(rate_limit=False), encoding="utf-8")
    with MockServer.start(config_path=config, in_process=True) as server:
        base = str(server.base_url).rstrip("/")
        url = f"{base}/api/projects/1/web_experiments/"
        headers = {"Authorization": f"Bearer {MOCK_KEYS['write'][0]}"}
        sessions = [
            open_session(Target(base, "1"), Journal(tmp_path / f"{index}.json"), policy)[0]
            for index, policy in enumerate(
                (Policy(max_creates=1), Policy.own_server(base, max_creates=1))
            )
        ]
        with pytest.raises(UnsafeRequestRefusedError, match="only POST is sent"):
            sessions[0].put(url, headers=headers, json={}, timeout=10)
        answered = sessions[1].put(url, headers=headers, json={}, timeout=10)
        with pytest.raises(UnsafeRequestRefusedError, match="not the target"):
            sessions[1].get("http://127.0.0.1:9/", timeout=10)

    assert answered.status_code in (403, 405)


def test_coverage_counts_recorded_steps_per_cell_and_what_each_profile_answers_alike() -> None:
    steps = [exchange(200, None), exchange(200, None), exchange(404, None)]
    steps[2]["request"] = {
        "method": "PUT",
        "path": "/api/projects/{project.main}/web_experiments/",
        "key": None,
    }
    steps[0]["request"]["path"] = steps[1]["request"]["path"] = "/api/projects/1/web_experiments/1/"
    reference = {"route_head_detail": steps}
    differing = ScenarioReplay("route_head_detail", [Difference("[1].response.status", 200, 500)])
    replays = {
        "2025-08": {"route_head_detail": ScenarioReplay("route_head_detail")},
        "current": {"route_head_detail": differing},
    }

    made = coverage(reference, replays)

    assert made == {
        "profiles": ["2025-08", "current"],
        "cells": [
            {
                "operation": "PUT list route",
                "status": "404",
                "key": "none",
                "recorded": 1,
                "2025-08": 1,
                "current": 1,
            },
            {
                "operation": "retrieve",
                "status": "200",
                "key": "all",
                "recorded": 2,
                "2025-08": 2,
                "current": 1,
            },
        ],
    }
    fewer = coverage(reference, {**replays, "2025-08": replays["current"]})
    assert lost_coverage(made, fewer) == ["retrieve 200 all 2025-08: 2 -> 1"]
    assert lost_coverage(made, made) == []


def test_with_section_replaces_only_between_its_markers() -> None:
    document = "a\n<!-- t -->\nold\n<!-- /t -->\nb\n"

    assert with_section(document, "t", "new") == "a\n<!-- t -->\nnew\n<!-- /t -->\nb\n"


def test_from_environment_without_required_variables_raises() -> None:
    with pytest.raises(TargetConfigError) as caught:
        from_environment({"POSTHOG_HOST": "http://h"})

    assert str(caught.value) == (
        "needs POSTHOG_PERSONAL_API_KEY, POSTHOG_PROJECT_ID (nothing was sent)"
    )


def test_from_environment_reads_roles() -> None:
    target = from_environment(
        {
            "POSTHOG_HOST": "http://h/",
            "POSTHOG_PROJECT_ID": "3",
            "POSTHOG_PERSONAL_API_KEY": "k",
            "PARITY_LEGACY_KEY": "l",
            "PARITY_OTHER_PROJECT_ID": "4",
        }
    )

    assert (target.base_url, dict(target.keys), dict(target.projects)) == (
        "http://h",
        {"all": "k", "legacy": "l"},
        {"main": "3", "other": "4"},
    )


def test_from_environment_non_numeric_project_raises() -> None:
    with pytest.raises(TargetConfigError, match="PARITY_OTHER_PROJECT_ID must be a numeric id"):
        from_environment(
            {
                "POSTHOG_HOST": "http://h",
                "POSTHOG_PROJECT_ID": "3",
                "POSTHOG_PERSONAL_API_KEY": "k",
                "PARITY_OTHER_PROJECT_ID": "@current",
            }
        )


def test_mock_config_is_a_valid_mock_configuration() -> None:
    import tomllib

    from posthog_mock.config import parse_config

    config = parse_config(tomllib.loads(mock_config_toml(rate_limit=True)))

    assert config.rate_limit is True
    assert [k.is_legacy for k in config.keys].count(True) == 1


def test_corpus_is_large_and_every_scenario_names_unique_rules() -> None:
    requests_count = sum(step.repeat for s in SCENARIOS for step in s.steps)

    assert len(SCENARIOS) >= 80
    assert requests_count >= 200
    assert all(s.rule for s in SCENARIOS)


def test_live_without_a_host_sends_nothing_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("POSTHOG_HOST", "POSTHOG_PROJECT_ID", "POSTHOG_PERSONAL_API_KEY"):
        monkeypatch.delenv(name, raising=False)

    assert main(["live"]) == 2
    assert capsys.readouterr().err == (
        "error: parity live needs POSTHOG_HOST, POSTHOG_PERSONAL_API_KEY, POSTHOG_PROJECT_ID"
        " (nothing was sent)\n"
    )


def test_record_of_an_unknown_scenario_exits_with_its_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("POSTHOG_HOST", "http://127.0.0.1:9")
    monkeypatch.setenv("POSTHOG_PROJECT_ID", "3")
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", "k")

    with pytest.raises(SystemExit, match="unknown scenario"):
        main(["live", "no_such_scenario"])


def test_interruption_stops_before_the_next_request_and_a_second_one_at_once() -> None:
    interruption = Interruption()
    interruption.check()

    interruption.request()

    with pytest.raises(KeyboardInterrupt):
        interruption.check()
    with pytest.raises(KeyboardInterrupt):
        interruption.request()
