"""Every code block of the docs runs: Python, pytest files, TOML, JSON, YAML, make."""

from __future__ import annotations

import json
import logging
import os
import re
import shlex
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from contract_tests.exclusions import OPERATION_IDS
from contract_tests.summary import BUILTIN_CHECKS, OWN_CHECKS
from posthog_mock.testing import MockServer

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
TEXTS = {path: path.read_text(encoding="utf-8") for path in DOCS}
README = TEXTS[ROOT / "README.md"]
FENCE = re.compile(
    r"^```(?P<lang>[a-z]*)(?: (?P<file>\S+))?\n(?P<code>.*?)^```$", re.DOTALL | re.MULTILINE
)
KINDS = {"python", "sh", "toml", "text", "json", "yaml"}
USER_PYTEST_OPTIONS = [
    "-p",
    "no:cacheprovider",
    "-p",
    "no:schemathesis",
    "-p",
    "no:hypothesispytest",
]


def all_blocks() -> Iterator[tuple[str, re.Match[str]]]:
    """Every fenced block of every document, with a `path:line` name."""
    for path, text in TEXTS.items():
        for match in FENCE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            yield f"{path.relative_to(ROOT)}:{line}", match


def blocks(language: str, *, files: bool = False) -> list[Any]:
    """Blocks of one language as pytest params; `files` picks the ones named `test_*.py`."""
    return [
        pytest.param(match["code"], match["file"], id=name)
        for name, match in all_blocks()
        if match["lang"] == language and bool(match["file"]) is files
    ]


def without_posthog_variables() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("POSTHOG_")}


def shell_commands(code: str) -> Iterator[list[str]]:
    """The commands of a shell block, one per line, without comments."""
    for raw in code.splitlines():
        line = raw.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            yield shlex.split(line)


def test_docs_code_blocks_are_of_known_kinds() -> None:
    kinds = {match["lang"] for _, match in all_blocks()}
    assert kinds <= KINDS
    assert {"python", "sh", "toml", "text"} <= {m["lang"] for m in FENCE.finditer(README)}
    named = [match["file"] for _, match in all_blocks() if match["file"]]
    assert named
    assert all(re.fullmatch(r"test_\w+\.py", name) for name in named)
    assert "CONTRACT_SECTION" not in README


def test_readme_puts_usage_before_development() -> None:
    headings = re.findall(r"^## (.+)$", README, re.MULTILINE)
    assert headings.index("Quick start") < headings.index("Working on this repository")
    assert headings.index("Install") == 0


def test_tree_block_names_paths_that_exist() -> None:
    tree = next(m["code"] for m in FENCE.finditer(README) if m["code"].startswith("openapi.yaml"))
    paths = [line.split()[0] for line in tree.splitlines() if line.strip()]
    assert "openapi.yaml" in paths
    assert [path for path in paths if not (ROOT / path).exists()] == []


def test_docs_links_point_to_files_that_exist() -> None:
    broken = []
    for path, text in TEXTS.items():
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text):
            if not (path.parent / target).exists():
                broken.append(f"{path.relative_to(ROOT)} -> {target}")
    assert broken == []


def test_sample_summary_lists_the_suite_checks_and_operations() -> None:
    sample = next(
        match["code"]
        for _, match in all_blocks()
        if match["lang"] == "text" and match["code"].startswith("Contract suite against")
    )
    rows = [line.split()[0] for line in sample.splitlines() if re.match(r"  \w", line)]
    assert rows == [*BUILTIN_CHECKS, *OWN_CHECKS]
    header = next(line for line in sample.splitlines() if line.startswith("web_experiments_*"))
    assert ["web_experiments_" + name for name in header.split()[1:]] == list(OPERATION_IDS)


@pytest.mark.parametrize(("code", "file"), blocks("python"))
def test_python_block_runs_against_the_mock(
    code: str,
    file: None,
    posthog_mock: MockServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Run in this process, as a script would run (`__main__`, its own globals), with the
    # environment a reader sets; an interpreter per block would cost a second each.
    assert posthog_mock.api_key is not None
    monkeypatch.setenv("POSTHOG_HOST", posthog_mock.base_url)
    monkeypatch.setenv("POSTHOG_PERSONAL_API_KEY", posthog_mock.api_key)
    monkeypatch.setenv("POSTHOG_PROJECT_ID", str(posthog_mock.project_id))
    monkeypatch.delenv("POSTHOG_LOG", raising=False)
    monkeypatch.chdir(tmp_path)
    sdk_logger = logging.getLogger("posthog_web_experiments")
    monkeypatch.setattr(sdk_logger, "handlers", list(sdk_logger.handlers))
    monkeypatch.setattr(sdk_logger, "level", sdk_logger.level)
    exec(compile(code, "<doc block>", "exec"), {"__name__": "__main__"})


@pytest.mark.parametrize(("code", "file"), blocks("python", files=True))
def test_pytest_file_block_passes_with_only_the_plugin(
    code: str, file: str, tmp_path: Path
) -> None:
    (tmp_path / file).write_text(code, encoding="utf-8")
    result = subprocess.run(
        # The contract extra's pytest plugins are not a plugin user's: leave their import out.
        [sys.executable, "-m", "pytest", "-q", *USER_PYTEST_OPTIONS, file],
        env=without_posthog_variables(),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    tests = len(re.findall(r"^(?:async )?def test_", code, re.MULTILINE))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{tests} passed" in result.stdout


@pytest.mark.parametrize(("code", "file"), blocks("toml"))
def test_toml_block_is_a_config_the_mock_starts_with(code: str, file: None, tmp_path: Path) -> None:
    config = tmp_path / "mock.toml"
    config.write_text(code, encoding="utf-8")
    with MockServer.start(config_path=config, in_process=True) as server:
        assert server.api_key == tomllib.loads(code)["keys"][0]["value"]


@pytest.mark.parametrize(("code", "file"), blocks("json"))
def test_json_block_parses(code: str, file: None) -> None:
    assert isinstance(json.loads(code), dict)


@pytest.mark.parametrize(("code", "file"), blocks("sh"))
def test_shell_block_make_targets_exist_and_expand(code: str, file: None) -> None:
    commands = list(shell_commands(code))
    assert commands
    for command in commands:
        assert command[0] == "make", f"shell lines in the docs are make commands: {command}"
        targets = [word for word in command[1:] if "=" not in word]
        variables = [word for word in command[1:] if "=" in word]
        for target in targets or ["help"]:
            # Only `make help` runs for real; the tests of each feature run the real thing.
            dry_run = [] if target == "help" else ["--dry-run"]
            result = subprocess.run(
                ["make", *dry_run, target, *variables],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert result.returncode == 0, (command, result.stdout, result.stderr)
            if target == "help":
                assert "check" in result.stdout


@pytest.mark.parametrize(("code", "file"), blocks("yaml"))
def test_yaml_block_is_a_scheduled_workflow_of_make_targets(code: str, file: None) -> None:
    workflow = yaml.safe_load(code)
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["schedule"][0]["cron"]
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    commands = [step["run"] for step in steps if "run" in step]
    assert commands[0] == "make install"
    for command in commands:
        assert command.startswith("make "), command
        result = subprocess.run(
            ["make", "--dry-run", *shlex.split(command)[1:]],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, (command, result.stderr)
    secrets = [
        value
        for step in steps
        for name, value in step.get("env", {}).items()
        if name.endswith("_KEY")
    ]
    assert secrets
    assert all(re.fullmatch(r"\$\{\{ secrets\.\w+ \}\}", value) for value in secrets)


def paragraphs(text: str) -> list[str]:
    """The prose paragraphs and tables of a document: code blocks and headings left out."""
    prose = FENCE.sub("", text)
    blocks_ = (" ".join(block.split()) for block in re.split(r"\n\s*\n", prose))
    return [block for block in blocks_ if block and not block.startswith("#")]


@pytest.mark.parametrize(
    "path",
    [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))],
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_document_repeats_no_paragraph(path: Path) -> None:
    seen: set[str] = set()
    repeated = []
    for paragraph in paragraphs(path.read_text(encoding="utf-8")):
        if paragraph in seen:
            repeated.append(paragraph[:80])
        seen.add(paragraph)
    assert repeated == []


def test_repeated_paragraph_check_catches_a_repeat() -> None:
    text = "# T\n\nOne para-\ngraph.\n\n## A\n\n```sh\nmake\n```\n\nOne para-\ngraph.\n"
    found = paragraphs(text)
    assert found == ["One para- graph.", "One para- graph."]
    assert paragraphs("## A\n\n## A\n\n```sh\nmake\n```\n\n```sh\nmake\n```\n") == []
