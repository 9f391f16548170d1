"""One Ctrl-C stops a contract run: the suite's pytest process, and the runner waiting on it."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from contract_tests.runner import stop_child

# Two ways a Ctrl-C inside a test of the suite's stack stops being a KeyboardInterrupt, after
# which pytest runs the next tests:
SWALLOWED_INTERRUPTS = {
    # Hypothesis runs explicit examples (schemathesis' examples and coverage phases) one after
    # the other; once one failed, a KeyboardInterrupt in a later one comes out inside a
    # BaseExceptionGroup, which pytest reports as a failed test.
    "grouped by hypothesis": """
        import hypothesis
        from hypothesis import strategies as st


        @hypothesis.settings(database=None)
        @hypothesis.given(st.integers())
        @hypothesis.example(1)
        @hypothesis.example(2)
        def test_interrupted(value):
            if value == 1:
                raise AssertionError("an earlier explicit example failed")
            if value == 2:
                signal.raise_signal(signal.SIGINT)
    """,
    # The handler ran inside a finalizer (`__del__`, a generator closed by the garbage
    # collector): Python prints the KeyboardInterrupt as "Exception ignored" and drops it.
    "raised in a finalizer": """
        class Finalized:
            def __del__(self):
                signal.raise_signal(signal.SIGINT)


        def test_interrupted():
            Finalized()
    """,
}
NEXT_TEST = """

    def test_after_the_interrupt():
        Path("ran-after-the-interrupt").touch()
"""


def run_pytest(directory: Path, scenario: str, *options: str) -> subprocess.CompletedProcess[str]:
    """Run pytest on the scenario followed by a test that leaves a file when it runs."""
    source = "import signal\nfrom pathlib import Path\n"
    source += textwrap.dedent(SWALLOWED_INTERRUPTS[scenario]) + textwrap.dedent(NEXT_TEST)
    (directory / "test_swallowed.py").write_text(source)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *options],
        cwd=directory,
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("scenario", SWALLOWED_INTERRUPTS)
def test_a_swallowed_interrupt_still_stops_the_session(tmp_path: Path, scenario: str) -> None:
    result = run_pytest(tmp_path, scenario, "-p", "contract_tests.interrupts")

    assert not (tmp_path / "ran-after-the-interrupt").exists(), result.stdout
    assert result.returncode == 2, result.stdout  # pytest's exit code when interrupted
    assert "KeyboardInterrupt: SIGINT during test_swallowed.py::test_interrupted" in result.stdout


@pytest.mark.parametrize("scenario", SWALLOWED_INTERRUPTS)
def test_without_the_plugin_the_session_goes_on(tmp_path: Path, scenario: str) -> None:
    """The swallowing the plugin guards against, so the test above keeps meaning something."""
    result = run_pytest(tmp_path, scenario)

    assert (tmp_path / "ran-after-the-interrupt").exists(), result.stdout
    assert result.returncode in (0, 1), result.stdout


# A child that misses the first SIGINT (as a swallowed one) and stops on the next, exit 130.
MISSES_FIRST_SIGINT = """
import signal, sys, time
seen = []
def on_sigint(signum, frame):
    seen.append(signum)
    if len(seen) > 1:
        sys.exit(130)
signal.signal(signal.SIGINT, on_sigint)
print("ready", flush=True)
while True:
    time.sleep(0.05)
"""


def test_runner_sends_sigint_again_to_a_child_that_goes_on() -> None:
    process = subprocess.Popen([sys.executable, "-c", MISSES_FIRST_SIGINT], stdout=subprocess.PIPE)
    assert process.stdout is not None
    assert process.stdout.readline() == b"ready\n"
    process.send_signal(signal.SIGINT)  # the Ctrl-C the child misses
    start = time.monotonic()

    stop_child(process, nudge=0.5, grace=30)

    assert process.returncode == 130  # stopped by the second SIGINT, not killed
    assert time.monotonic() - start < 10
    process.stdout.close()


def test_runner_kills_a_child_that_ignores_every_sigint() -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", MISSES_FIRST_SIGINT.replace("len(seen) > 1", "False")],
        stdout=subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stdout.readline() == b"ready\n"

    stop_child(process, nudge=0.2, grace=0.5)

    assert process.returncode == -signal.SIGKILL
    process.stdout.close()
