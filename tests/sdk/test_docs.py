"""Every Python block of docs/sdk.md runs against the mock server, configured by environment."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from posthog_mock.testing import MockServer

from .conftest import api_key_of

DOC = Path(__file__).resolve().parents[2] / "docs" / "sdk.md"
BLOCK = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def python_blocks() -> list[Any]:
    text = DOC.read_text(encoding="utf-8")
    blocks = []
    for match in BLOCK.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        blocks.append(pytest.param(match.group(1), id=f"{DOC.name}:{line}"))
    return blocks


def test_docs_have_python_blocks() -> None:
    assert len(python_blocks()) >= 9


@pytest.mark.parametrize("code", python_blocks())
def test_doc_block_runs_against_the_mock(code: str, mock_server: MockServer) -> None:
    env = {
        **os.environ,
        "POSTHOG_HOST": mock_server.base_url,
        "POSTHOG_PERSONAL_API_KEY": api_key_of(mock_server),
        "POSTHOG_PROJECT_ID": str(mock_server.project_id),
    }
    env.pop("POSTHOG_LOG", None)
    result = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
