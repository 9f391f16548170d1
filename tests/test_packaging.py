"""Entry points and derived code: the mock command's missing-extra message, the lazy plugin,
the drift gate of the sync client."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from posthog_mock.__main__ import main as mock_main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def without_granian(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `import granian` fail as it does without the mock extra."""
    for name in list(sys.modules):
        if name.startswith(("granian", "posthog_mock.cli", "posthog_mock.server")):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "granian", None)


@pytest.mark.usefixtures("without_granian")
def test_mock_command_without_the_extra_names_it_and_exits_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert mock_main(["--help"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "posthog-mock: error: the mock server needs the mock extra (granian is not installed):"
        " pip install 'posthog-web-experiments[mock]'\n"
    )


def test_mock_command_help_lists_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        mock_main(["--help"])
    assert exited.value.code == 0
    assert "--config" in capsys.readouterr().out


def test_pytest_plugin_imports_nothing_but_pytest() -> None:
    code = (
        "import sys, posthog_mock.pytest_plugin; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'starlette', 'granian', 'httpx', 'posthog_web_experiments', 'anyio'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout == "[]\n"


def load_derive_sync() -> ModuleType:
    spec = importlib.util.spec_from_file_location("derive_sync", ROOT / "scripts/derive_sync.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_derived_sync_client_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    assert load_derive_sync().main(["check"]) == 0
    assert capsys.readouterr().out == ""


def test_hand_edit_of_the_sync_client_fails_the_drift_gate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    derive_sync = load_derive_sync()
    sync_dir = tmp_path / "_sync"
    sync_dir.mkdir()
    for path in derive_sync.SYNC_DIR.glob("*.py"):
        (sync_dir / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    client = sync_dir / "client.py"
    client.write_text(client.read_text(encoding="utf-8") + "\n# hand edit\n", encoding="utf-8")
    (sync_dir / "stale.py").write_text("", encoding="utf-8")
    monkeypatch.setattr(derive_sync, "SYNC_DIR", sync_dir)
    monkeypatch.setattr(derive_sync, "ROOT", tmp_path)
    assert derive_sync.main(["check"]) == 1
    assert capsys.readouterr().out == (
        "_sync/client.py is not derived from _async/client.py: run make sync-client\n"
        "_sync/stale.py has no source in _async/: delete it\n"
    )
