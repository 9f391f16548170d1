"""`posthog-parity live` judges what the run created: a full project, the empty one's verdict."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import httpx
import pytest

from live_road.journal import DEFAULT_JOURNAL, CreatedExperiment, Journal
from parity.cli import main
from parity.targets import MOCK_KEYS, MOCK_PROJECTS, mock_config_toml
from parity.transformers import only_the_runs_experiments
from posthog_mock.testing import MockServer

ALL = MOCK_KEYS["all"][0]
# Lists (of the main project, @current, the other project): on a project in use they hold
# what others made too. Scenarios that need an empty project are not run on it.
SCENARIOS = [
    "auth_no_credentials_list",
    "auth_key_in_query",
    "project_current",
    "project_lists_are_separate",
    "delete_keeps_other_experiments",
    "format_suffix_before_authentication",  # lists `web_experiments.json`
]


def verdict(
    base: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("POSTHOG_HOST", base)
    monkeypatch.setenv("POSTHOG_PROJECT_ID", str(MOCK_PROJECTS["main"]))
    monkeypatch.setenv("PARITY_FOREIGN_PROJECT_ID", str(MOCK_PROJECTS["foreign"]))
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", ALL)
    code = main(["live", *SCENARIOS, "--requests-per-minute", "0"])
    return code, capsys.readouterr().out.strip().splitlines()[-1]


def test_live_gives_a_project_holding_foreign_experiments_the_empty_projects_verdict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "mock.toml"
    config.write_text(mock_config_toml(rate_limit=False), encoding="utf-8")
    with MockServer.start(config_path=config, in_process=True) as server:
        base = str(server.base_url).rstrip("/")
        empty = verdict(base, tmp_path, monkeypatch, capsys)
        url = f"{base}/api/projects/{MOCK_PROJECTS['main']}/web_experiments/"
        headers = {"Authorization": f"Bearer {ALL}"}
        for index in range(3):
            body = {
                "name": f"foreign {index}",
                "variants": {"control": {"rollout_percentage": 100}},
            }
            assert httpx.post(url, json=body, headers=headers).status_code == 201
        full = verdict(base, tmp_path, monkeypatch, capsys)
        held = httpx.get(url, headers=headers).json()["count"]

    assert empty == (0, f"{base} answers as mock profile 2025-08")
    assert full == empty
    assert held == 3


def test_only_the_runs_experiments_drops_foreign_items_count_and_the_next_link() -> None:
    page = {
        "count": 4,
        "next": "http://h/api/projects/1/web_experiments/?limit=1&offset=1",
        "previous": None,
        "results": [{"id": 9}, {"id": 3}],
    }
    exchanges: list[dict[str, Any]] = [
        {
            "request": {"method": "GET", "path": "/api/projects/{project.main}/web_experiments/"},
            "response": {"status": 200, "headers": {}, "body": page},
        },
        {
            "request": {"method": "GET", "path": "/api/projects/{project.other}/web_experiments/"},
            "response": {"status": 200, "headers": {}, "body": copy.deepcopy(page)},
        },
    ]

    untouched = copy.deepcopy(page)

    only_the_runs_experiments(exchanges, own={9}, held={"main": 3})

    assert exchanges[0]["response"]["body"] == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [{"id": 9}],
    }
    assert exchanges[1]["response"]["body"] == untouched  # the other project held nothing


@pytest.mark.parametrize(
    "path",
    [
        "/api/projects/{project.main}/web_experiments.json",
        "/api/projects/{project.main}/web_experiments.json/",
        "/api/projects/{project.main}/web_experiments.json?limit=1",
        "/api/projects/@current/web_experiments.json",
    ],
)
def test_only_the_runs_experiments_judges_a_list_asked_for_with_a_json_suffix(path: str) -> None:
    page = {
        "count": 4,
        "next": "http://h/api/projects/1/web_experiments.json?limit=1&offset=1",
        "previous": None,
        "results": [{"id": 9}, {"id": 3}],
    }
    exchanges: list[dict[str, Any]] = [
        {
            "request": {"method": "GET", "path": path},
            "response": {"status": 200, "headers": {}, "body": page},
        }
    ]

    only_the_runs_experiments(exchanges, own={9}, held={"main": 3})

    assert page == {"count": 1, "next": None, "previous": None, "results": [{"id": 9}]}


def test_only_the_runs_experiments_leaves_an_experiment_and_other_formats_alone() -> None:
    pages = [{"count": 4, "next": None, "previous": None, "results": [{"id": 3}]} for _ in range(3)]
    paths = [
        "/api/projects/{project.main}/web_experiments/9.json",
        "/api/projects/{project.main}/web_experiments.xyz/",
        "/api/projects/{project.main}/web_experiments.jsonx",
    ]
    exchanges: list[dict[str, Any]] = [
        {
            "request": {"method": "GET", "path": path},
            "response": {"status": 200, "headers": {}, "body": page},
        }
        for path, page in zip(paths, pages, strict=True)
    ]
    untouched = copy.deepcopy(pages)

    only_the_runs_experiments(exchanges, own={9}, held={"main": 3})

    assert pages == untouched


def test_live_counts_the_project_after_cleaning_what_a_killed_run_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "mock.toml"
    config.write_text(mock_config_toml(rate_limit=False), encoding="utf-8")
    with MockServer.start(config_path=config, in_process=True) as server:
        base = str(server.base_url).rstrip("/")
        main_project = str(MOCK_PROJECTS["main"])
        url = f"{base}/api/projects/{main_project}/web_experiments/"
        headers = {"Authorization": f"Bearer {ALL}"}
        body = {
            "name": "left by a killed run",
            "variants": {"control": {"rollout_percentage": 100}},
        }
        left = httpx.post(url, json=body, headers=headers).json()
        # The journal a run of another tool left when it was killed after that create.
        journal = Journal(
            tmp_path / DEFAULT_JOURNAL,
            tool="parity-surface",
            base_url=base,
            project_id=main_project,
        )
        journal.created[left["id"]] = CreatedExperiment(
            left["id"],
            left["feature_flag_key"],
            str(left["name"]),
            project=main_project,
            tool="parity-surface",
        )
        journal.save()

        resumed = verdict(base, tmp_path, monkeypatch, capsys)
        held = httpx.get(url, headers=headers).json()["count"]

    # The leftover is deleted before the project is counted: the count it judges lists by is 0.
    assert resumed == (0, f"{base} answers as mock profile 2025-08")
    assert held == 0
