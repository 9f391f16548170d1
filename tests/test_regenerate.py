"""The generation pipeline: `make generate` and the drift check `make check-generated`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "regenerate.py"
PACKAGE = "generated/posthog_web_experiments_client"

# Each test runs the generator (2-3 s): part of make test-all and make check, not make test.
pytestmark = pytest.mark.slow


def run(command: str, root: Path) -> subprocess.CompletedProcess[str]:
    """Run scripts/regenerate.py COMMAND on the copy at root."""
    return subprocess.run(
        [sys.executable, str(SCRIPT), command, "--root", str(root)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under folder with its bytes."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the generator inputs and the committed generated/ tree."""
    root = tmp_path_factory.mktemp("pristine")
    shutil.copy(ROOT / "openapi.yaml", root)
    shutil.copy(ROOT / "generator-config.yml", root)
    shutil.copytree(
        ROOT / "generated",
        root / "generated",
        ignore=shutil.ignore_patterns("__pycache__", ".mypy_cache", ".ruff_cache"),
    )
    return root


@pytest.fixture
def repo(pristine: Path, tmp_path: Path) -> Path:
    """A scratch copy of the pristine inputs, free to break."""
    shutil.copytree(pristine, tmp_path / "repo")
    return tmp_path / "repo"


def test_check_passes_on_the_committed_tree(repo: Path) -> None:
    result = run("check", repo)
    assert result.returncode == 0, result.stderr
    assert "generated/ matches openapi.yaml." in result.stdout


def test_check_fails_when_the_spec_changed_without_regeneration(repo: Path) -> None:
    spec = repo / "openapi.yaml"
    spec.write_text(
        spec.read_text().replace(
            "description: Display name the toolbar shows.",
            "description: Name shown in the toolbar.",
        )
    )
    result = run("check", repo)
    assert result.returncode == 1
    assert "differs: posthog_web_experiments_client/models/variant.py" in result.stderr
    assert "Run `make generate` and commit the result." in result.stderr


def test_check_fails_on_a_file_the_generator_does_not_write(repo: Path) -> None:
    (repo / PACKAGE / "models" / "extra.py").write_text("x = 1\n")
    result = run("check", repo)
    assert result.returncode == 1
    assert "not generated: posthog_web_experiments_client/models/extra.py" in result.stderr


def test_check_fails_on_a_missing_file(repo: Path) -> None:
    (repo / PACKAGE / "py.typed").unlink()
    result = run("check", repo)
    assert result.returncode == 1
    assert "missing: posthog_web_experiments_client/py.typed" in result.stderr


def test_check_fails_on_a_hand_edit(repo: Path) -> None:
    client = repo / PACKAGE / "client.py"
    client.write_text(client.read_text() + "\n# tweak\n")
    result = run("check", repo)
    assert result.returncode == 1
    assert "differs: posthog_web_experiments_client/client.py" in result.stderr


def test_generate_rebuilds_from_an_empty_folder(repo: Path) -> None:
    expected = snapshot(repo / "generated")
    (repo / PACKAGE / "stale.py").write_text("x = 1\n")
    result = run("generate", repo)
    assert result.returncode == 0, result.stderr
    assert snapshot(repo / "generated") == expected


def test_generate_with_an_invalid_spec_fails_and_leaves_generated_untouched(repo: Path) -> None:
    before = snapshot(repo / "generated")
    spec = repo / "openapi.yaml"
    spec.write_text(spec.read_text().replace("openapi: 3.1.0", "openapi: 3.1.0\nbogus: true", 1))
    result = run("generate", repo)
    assert result.returncode == 1
    assert "is not a valid OpenAPI document" in result.stderr
    assert "bogus" in result.stderr
    assert snapshot(repo / "generated") == before
