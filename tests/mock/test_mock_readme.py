"""Every code block of the mock's README runs: Python blocks execute, TOML blocks load."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from posthog_mock.config import load_config

README = Path(__file__).resolve().parents[2] / "src" / "posthog_mock" / "README.md"
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", README.read_text(), re.DOTALL)


@pytest.mark.parametrize(
    "code", [code for lang, code in BLOCKS if lang == "python"], ids=lambda _: "python"
)
def test_readme_python_block_runs(code: str) -> None:
    exec(compile(code, str(README), "exec"), {})


@pytest.mark.parametrize(
    "text", [code for lang, code in BLOCKS if lang == "toml"], ids=lambda _: "toml"
)
def test_readme_toml_block_is_a_valid_config(text: str, tmp_path: Path) -> None:
    path = tmp_path / "mock.toml"
    path.write_text(text)

    assert load_config(path).projects
