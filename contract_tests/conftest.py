"""pytest plumbing of the suite: the runtime; check matrix and cleanup at the end of a session."""

from __future__ import annotations

import atexit
import signal
from types import FrameType

import pytest
from schemathesis.pytest import plugin as schemathesis_plugin

from contract_tests import checks as _checks  # noqa: F401  (registers the custom checks)
from contract_tests import runtime
from contract_tests.guard import delete_leftovers
from contract_tests.matrix import MATRIX_FILE
from contract_tests.settings import SuiteSettings


def _no_allure_forwarder(label: str, writers: object) -> None:
    """Stand-in for schemathesis' allure forwarder, which imports allure even for other reports.

    schemathesis 4.32.5 imports `allure_commons` as soon as any report writer is open (the
    `[reports]` trap of the toolchain notes). The suite never enables the Allure report, so there
    is nothing to forward to.
    """


schemathesis_plugin._register_allure_forwarder = _no_allure_forwarder


def _cleanup() -> None:
    state = runtime.current()
    failed = delete_leftovers(state.session, state.settings.api_key)
    if failed:
        print(f"contract suite: could not delete experiments {failed}")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Install the runtime and make sure cleanup runs however the session ends."""
    state = runtime.Runtime.create(SuiteSettings.from_env())
    runtime.install(state)
    atexit.register(_cleanup)
    state.make_tombstone()

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_sigterm)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Save the check matrix; delete every experiment the run created and has not deleted yet."""
    state = runtime.current()
    state.matrix.save(state.settings.reports_dir / MATRIX_FILE)
    _cleanup()
    # The ledger saves itself on creates and deletes only; this counts the reads sent since.
    state.session.ledger.save()
