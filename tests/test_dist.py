"""The built distributions as a user installs them: fresh venvs, offline, from the wheel alone."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from posthog_mock.testing import free_port

ROOT = Path(__file__).resolve().parent.parent
UV = str(Path(sys.executable).parent / "uv")
README = (ROOT / "README.md").read_text(encoding="utf-8")
SDK_DEPENDENCIES = {"anyio", "attrs", "certifi", "h11", "httpcore", "httpx", "idna"}
SDK_DEPENDENCIES |= {"sniffio", "typing-extensions"}

# Builds and installs into new environments (a few seconds each): make test-all, not make test.
pytestmark = pytest.mark.slow


def run(
    *command: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command to completion, capturing its output (away from the checkout by default)."""
    return subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
        cwd=cwd or Path(tempfile.gettempdir()),
    )


def quiet_env() -> dict[str, str]:
    """The environment less POSTHOG_* (uv's own settings, such as its cache folder, stay)."""
    return {key: value for key, value in os.environ.items() if not key.startswith("POSTHOG_")}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`make dist`'s build (sdist, then the wheel from the sdist), into a temporary folder.

    With DIST_WHEEL_DIR set (`make release` sets it to dist/), the wheel built there instead.
    """
    if prebuilt := os.environ.get("DIST_WHEEL_DIR"):
        assert len(list(Path(prebuilt).glob("*.tar.gz"))) == 1
        (built_wheel,) = Path(prebuilt).glob("*.whl")
        return built_wheel.resolve()
    out = tmp_path_factory.mktemp("dist")
    built = run(
        UV, "build", "--no-build-isolation", "--python", sys.executable, "--out-dir", out,
        ROOT, env=quiet_env(),
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    assert len(list(out.glob("*.tar.gz"))) == 1
    (found,) = out.glob("*.whl")
    return found


def locked_requirements(tmp: Path, *extras: str, only: set[str] | None = None) -> Path:
    """The dependencies uv.lock pins for these extras, as a pylock.toml (optionally only some).

    Installing from it needs no package index: every file is named by URL and hash, and uv
    finds it in the cache that `make install` filled.
    """
    lock = tmp / "pylock.toml"
    options = [option for extra in extras for option in ("--extra", extra)]
    exported = run(
        UV, "export", "--frozen", "--no-dev", "--no-emit-project", *options,
        "--format", "pylock.toml", "--project", ROOT, "-o", lock,
        env=quiet_env(),
    )  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    if only is not None:
        head, *blocks = lock.read_text(encoding="utf-8").split("\n[[packages]]\n")
        kept = [block for block in blocks if block.split('"', 2)[1] in only]
        lock.write_text("\n[[packages]]\n".join([head, *kept]), encoding="utf-8")
    return lock


def venv_with(tmp: Path, wheel: Path, lock: Path) -> Path:
    """A fresh venv with the locked requirements and the wheel, installed offline; its bin."""
    venv = tmp / "venv"
    created = run(UV, "venv", "--python", sys.executable, venv, env=quiet_env())
    assert created.returncode == 0, created.stderr
    python = venv / "bin" / "python"
    steps: list[list[str | Path]] = [["-r", lock], ["--no-deps", wheel]]
    for step in steps:
        installed = run(
            UV, "pip", "install", "--offline", "--python", python, *step, env=quiet_env()
        )
        assert installed.returncode == 0, installed.stderr
    checked = run(UV, "pip", "check", "--python", python, env=quiet_env())
    assert checked.returncode == 0, checked.stdout + checked.stderr
    return venv / "bin"


@pytest.fixture(scope="module")
def full_install(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel with its mock and contract extras in a fresh venv."""
    tmp = tmp_path_factory.mktemp("full")
    return venv_with(tmp, wheel, locked_requirements(tmp, "mock", "contract"))


@pytest.fixture(scope="module")
def sdk_only_install(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel without extras (plus pytest, as an SDK user's test suite has) in a fresh venv."""
    tmp = tmp_path_factory.mktemp("sdk")
    sdk_and_pytest = {*SDK_DEPENDENCIES, "pytest", "iniconfig", "packaging", "pluggy", "pygments"}
    return venv_with(tmp, wheel, locked_requirements(tmp, "contract", only=sdk_and_pytest))


@pytest.fixture
def posthog_mock_command(full_install: Path) -> Iterator[str]:
    """`posthog-mock` from the fresh venv, serving on a free port; its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [full_install / "posthog-mock", "--port", str(port), "--db", ":memory:"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=quiet_env(),
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base_url}/_mock/health").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        else:
            pytest.fail("posthog-mock did not start")
        yield base_url
    finally:
        process.terminate()
        process.wait(15)
        assert process.stdout is not None
        process.stdout.close()


def quick_start() -> str:
    """The README's quick start code block."""
    section = README.split("\n## Quick start\n", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def test_wheel_has_the_sdk_generated_client_mock_suite_and_spec(wheel: Path) -> None:
    listing = run(sys.executable, "-m", "zipfile", "-l", wheel).stdout
    for path in [
        "posthog_web_experiments/_sync/client.py",
        "posthog_web_experiments_client/api/web_experiments/web_experiments_create.py",
        "posthog_mock/pytest_plugin.py",
        "contract_tests/openapi.yaml",
        "parity/cli.py",
        "parity/snapshots/routes_list_put.json",
        "live_road/transport.py",
    ]:
        assert path in listing, path
    assert "dist-info/licenses/LICENSE" in listing


def test_readme_quick_start_runs_from_the_wheel_against_posthog_mock(
    full_install: Path, posthog_mock_command: str, tmp_path: Path
) -> None:
    env = {
        **quiet_env(),
        "POSTHOG_HOST": posthog_mock_command,
        "POSTHOG_PERSONAL_API_KEY": "phx_mock_default_key",
        "POSTHOG_PROJECT_ID": "1",
    }
    script = tmp_path / "quick_start.py"
    script.write_text(quick_start(), encoding="utf-8")
    result = run(full_install / "python", script, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "homepage-headline-web-experiment-feature-" in result.stdout


def test_console_scripts_help_from_the_wheel(full_install: Path, tmp_path: Path) -> None:
    mock_help = run(full_install / "posthog-mock", "--help", env=quiet_env())
    assert mock_help.returncode == 0, mock_help.stderr
    assert "--config" in mock_help.stdout
    suite_help = run(full_install / "posthog-contract", "--help", env=quiet_env())
    assert suite_help.returncode == 0, suite_help.stderr
    assert suite_help.stdout.startswith("usage: posthog-contract ")
    for option in ("--live", "--host", "--project-id", "--api-key", "--read-only-api-key"):
        assert option in suite_help.stdout
    parity_help = run(full_install / "posthog-parity", "live", "--help", env=quiet_env())
    assert parity_help.returncode == 0, parity_help.stderr
    assert "--own-server" in parity_help.stdout
    # `tables` writes the repository's docs: the installed command does not offer it.
    parity_commands = run(full_install / "posthog-parity", "--help", env=quiet_env())
    assert "{list,record,live,surface}" in parity_commands.stdout, parity_commands.stdout
    tables = run(full_install / "posthog-parity", "tables", env=quiet_env(), cwd=tmp_path)
    assert tables.returncode == 2
    assert "invalid choice: 'tables'" in tables.stderr
    live_help = run(full_install / "posthog-live", "clean", "--help", env=quiet_env())
    assert live_help.returncode == 0, live_help.stderr
    assert "--journal" in live_help.stdout
    spec = run(
        full_install / "python", "-c",
        "from contract_tests.settings import SPEC_PATH; print(SPEC_PATH.is_file(), SPEC_PATH)",
        env=quiet_env(),
        cwd=tmp_path,
    )  # fmt: skip
    assert spec.stdout.startswith("True "), spec.stdout + spec.stderr
    assert "site-packages" in spec.stdout


def test_sdk_only_install_names_the_extra_and_keeps_pytest_working(
    sdk_only_install: Path, tmp_path: Path
) -> None:
    mock_help = run(sdk_only_install / "posthog-mock", "--help", env=quiet_env())
    assert mock_help.returncode == 2
    assert mock_help.stdout == ""
    assert mock_help.stderr == (
        "posthog-mock: error: the mock server needs the mock extra (orjson is not installed):"
        " pip install 'posthog-web-experiments[mock]'\n"
    )
    for script, says in (
        ("posthog-contract", "the contract suite needs"),
        ("posthog-parity", "parity needs"),
        ("posthog-live", "the live tools need"),
    ):
        script_help = run(sdk_only_install / script, "--help", env=quiet_env())
        assert (script_help.returncode, script_help.stdout) == (2, ""), script_help.stderr
        assert script_help.stderr == (
            f"{script}: error: {says} the contract extra (requests is not installed):"
            " pip install 'posthog-web-experiments[contract]'\n"
        )
    (tmp_path / "test_sdk.py").write_text(
        "from posthog_web_experiments import PostHogWebExperiments\n\n\n"
        "def test_client_builds():\n"
        "    client = PostHogWebExperiments(api_key='k', host='http://127.0.0.1:9')\n"
        "    assert client.project_id == '@current'\n\n\n"
        "def test_mock_fixture_needs_the_extra(posthog_mock):\n"
        "    pass\n",
        encoding="utf-8",
    )
    result = run(
        sdk_only_install / "python", "-m", "pytest", "-p", "no:cacheprovider", tmp_path,
        env=quiet_env(),
        cwd=tmp_path,
    )  # fmt: skip
    assert "1 passed, 1 error" in result.stdout, result.stdout
    assert "pip install 'posthog-web-experiments[mock]'" in result.stdout


def test_make_dist_target_builds_both() -> None:
    dry = run("make", "--dry-run", "dist", cwd=ROOT)
    assert dry.returncode == 0, dry.stderr
    assert "uv build --no-build-isolation" in dry.stdout
    assert shutil.which("make") is not None


def test_installed_conformance_suite_passes_against_its_own_mock(
    full_install: Path, tmp_path: Path
) -> None:
    result = run(
        full_install / "posthog-contract", "--max-examples", "3", env=quiet_env(), cwd=tmp_path
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    # Its mock answers as current PostHog, PostHog's own 500s included: known defects, exit 0.
    last = result.stdout.rstrip().splitlines()[-1]
    assert re.fullmatch(r"PASSED( \(\d+ known defects?\))? \(exit 0\)", last), last
    assert (tmp_path / "reports" / "contract-junit.xml").is_file()


def test_installed_wheel_reports_the_project_version(full_install: Path, tmp_path: Path) -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    shown = run(
        full_install / "python", "-c",
        "import importlib.metadata, posthog_web_experiments, posthog_web_experiments_client;"
        "print(importlib.metadata.version('posthog-web-experiments'),"
        " posthog_web_experiments.__version__)",
        env=quiet_env(),
        cwd=tmp_path,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.split() == [version["version"]] * 2
