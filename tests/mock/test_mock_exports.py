"""`posthog-mock` prints the shell lines that point the SDK's from_env() at it."""

from __future__ import annotations

import importlib.metadata
import shlex
from pathlib import Path

from posthog_mock.cli import banner, export_lines
from posthog_mock.config import default_config, load_config
from posthog_mock.testing import MockServer
from posthog_web_experiments import PostHogWebExperiments

ROOT = Path(__file__).resolve().parents[2]


def exports(output: str) -> dict[str, str]:
    """The variables of the `export NAME=value` lines in the banner."""
    found = {}
    for line in output.splitlines():
        if line.startswith("export "):
            name, _, value = line.removeprefix("export ").partition("=")
            found[name] = shlex.split(value)[0]
    return found


def test_printed_exports_point_from_env_at_the_running_mock(tmp_path: Path) -> None:
    server = MockServer(db_path=tmp_path / "db.sqlite3")
    server.launch()
    try:
        variables = exports(server.output())
        assert variables == {
            "POSTHOG_HOST": str(server.base_url).rstrip("/"),
            "POSTHOG_PERSONAL_API_KEY": "phx_mock_default_key",
            "POSTHOG_PROJECT_ID": "1",
        }
        with PostHogWebExperiments.from_env(variables) as client:
            created = client.create(
                {"name": "exports", "variants": {"control": {"rollout_percentage": 100}}}
            )
            assert [e.id for e in client.iter_experiments()] == [created.id]
    finally:
        server.stop()


def test_exports_name_a_key_that_may_write_and_its_current_project(tmp_path: Path) -> None:
    config = tmp_path / "mock.toml"
    config.write_text(
        "[[projects]]\nid = 7\n\n[[projects]]\nid = 8\n\n"
        '[[keys]]\nvalue = "phx_read"\nscopes = ["experiment:read"]\ncurrent_project = 7\n\n'
        '[[keys]]\nvalue = "phx_write"\nscopes = ["experiment:write"]\ncurrent_project = 8\n',
        encoding="utf-8",
    )

    shown = banner(load_config(config), "0.0.0.0", 8010, ":memory:")

    assert shown.splitlines()[-4:] == [
        "Point the SDK (from_env()) and posthog-contract --live --own-server at it:",
        "export POSTHOG_HOST=http://127.0.0.1:8010",
        "export POSTHOG_PERSONAL_API_KEY=phx_write",
        "export POSTHOG_PROJECT_ID=8",
    ]


def test_readme_quick_start_shows_the_lines_the_mock_prints() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick_start = readme.split("\n## Quick start\n", 1)[1].split("\n## ", 1)[0]
    block = quick_start.split("```text\n", 1)[1].split("```", 1)[0]

    assert block.splitlines() == export_lines(default_config(), "127.0.0.1", 8010)


def test_readme_names_every_pytest_plugin_the_contract_extra_brings() -> None:
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    plugins = {
        entry.name
        for name in ("schemathesis", "hypothesis")
        for entry in importlib.metadata.distribution(name).entry_points
        if entry.group == "pytest11"
    }

    assert plugins == {"schemathesis", "hypothesispytest"}
    assert "-p no:schemathesis -p no:hypothesispytest" in readme
