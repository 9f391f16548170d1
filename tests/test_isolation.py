"""No test reaches a live PostHog unless asked for by name, whatever POSTHOG_* holds."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LIVE_TEST = "tests/contract/test_live_posthog.py"


class Recorder(ThreadingHTTPServer):
    """A loopback 'PostHog' that counts every request it gets."""

    daemon_threads = True
    requests: list[str]


class RecordingHandler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def _record(self) -> None:
        assert isinstance(self.server, Recorder)
        self.server.requests.append(f"{self.command} {self.path}")
        self.send_response(500)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _record


@pytest.fixture
def live_posthog() -> Iterator[Recorder]:
    server = Recorder(("127.0.0.1", 0), RecordingHandler)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01})
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def pytest_with_live_environment(
    recorder: Recorder, *args: str
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "POSTHOG_HOST": f"http://127.0.0.1:{recorder.server_address[1]}",
        "POSTHOG_PROJECT_ID": "12345",
        "POSTHOG_PERSONAL_API_KEY": "phx_real_looking_key_0123456789abcdef",
        "POSTHOG_READ_ONLY_API_KEY": "phx_real_looking_read_key_0123456789",
    }
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "selection",
    [
        pytest.param(["-m", "live"], id="marker-live"),
        pytest.param([], id="no-marker"),
        pytest.param(["-k", "live_posthog"], id="keyword"),
    ],
)
@pytest.mark.slow  # a pytest process each (about 3 s); make test checks its own session below
def test_live_test_is_deselected_without_run_live(
    live_posthog: Recorder, selection: list[str]
) -> None:
    result = pytest_with_live_environment(live_posthog, LIVE_TEST, *selection)
    assert result.returncode == 5, result.stdout + result.stderr  # no test selected
    assert "1 deselected" in result.stdout
    assert live_posthog.requests == []


@pytest.mark.slow
def test_run_live_selects_the_live_test(live_posthog: Recorder) -> None:
    result = pytest_with_live_environment(
        live_posthog, LIVE_TEST, "--run-live", "-m", "live", "--collect-only", "-q"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "test_live_posthog_honours_the_contract" in result.stdout
    assert live_posthog.requests == []


def test_posthog_variables_are_gone_inside_tests() -> None:
    assert [name for name in os.environ if name.startswith("POSTHOG_")] == []


def test_this_session_selected_no_live_test(request: pytest.FixtureRequest) -> None:
    if request.config.getoption("--run-live"):
        pytest.skip("live tests were asked for")
    live = [item.nodeid for item in request.session.items if item.get_closest_marker("live")]
    assert live == []
