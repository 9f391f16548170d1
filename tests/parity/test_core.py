"""The parity core on its own: templates, transformers, the path-level diff, overrides, targets."""

from __future__ import annotations

from typing import Any

import pytest

from parity.cli import main
from parity.compare import compare_runs
from parity.corpus import SCENARIOS
from parity.diff import MISSING, Difference, diff_values
from parity.executor import Interruption, ScenarioRun, missing_roles
from parity.model import Context, Override, Scenario, Step, TemplateError
from parity.snapshots import build_snapshot, compare_with_snapshot, expected_exchanges
from parity.targets import ParityTarget, TargetConfigError, from_environment, mock_config_toml
from parity.transformers import normalise

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


def test_snapshot_override_is_applied_and_reported() -> None:
    step = Step("GET", "/", overrides=(Override("response.status", 400, "because"),))
    scenario = Scenario("s", "a", "r", (step,))
    snapshot = build_snapshot(scenario, [exchange(500, None)], {"server": "x", "date": "d"})

    assert snapshot["overrides"] == [
        {
            "step": 0,
            "path": "response.status",
            "recorded": 500,
            "recorded_absent": False,
            "expected": 400,
            "expected_absent": False,
            "reason": "because",
        }
    ]
    assert expected_exchanges(snapshot)[0]["response"]["status"] == 400
    assert compare_with_snapshot(snapshot, [exchange(400, None)]).differences == []
    report = compare_with_snapshot(snapshot, [exchange(500, None)]).report("s")
    assert report == "s: 1 difference(s) from the snapshot\nsteps[0].response.status\n" + (
        "    snapshot: 400\n    mock: 500"
    )


def test_401_without_www_authenticate_gets_the_newer_posthog_override() -> None:
    scenario = Scenario("s", "a", "r", (Step("GET", "/"),))
    snapshot = build_snapshot(scenario, [exchange(401, None)], {"server": "x", "date": "d"})

    assert [o["path"] for o in snapshot["overrides"]] == ["response.headers.www-authenticate"]


def test_compare_runs_separates_differences_from_overrides() -> None:
    step = Step("GET", "/", overrides=(Override("response.status", 400, "because"),))
    scenario = Scenario("s", "a", "r", (step, Step("GET", "/")))
    live = [exchange(500, None), exchange(200, {"n": 1})]
    mock = [exchange(400, None), exchange(200, {"n": 2})]

    result = compare_runs(ScenarioRun(scenario), live, mock)

    assert [(f.difference.path, f.override is not None) for f in result.findings] == [
        ("steps[0].response.status", True),
        ("steps[1].response.body.n", False),
    ]
    assert len(result.differences) == 1


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
