"""pytest plumbing of the suite: the runtime from the settings file; the record and cleanup."""

from __future__ import annotations

import atexit
import signal
from collections.abc import Generator
from pathlib import Path
from types import FrameType

import pytest
import requests
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.pytest import plugin as schemathesis_plugin

from contract_tests import checks as _checks  # noqa: F401  (registers the custom checks)
from contract_tests import runtime
from contract_tests.results import ItemOutcome
from contract_tests.settings import SuiteSettings
from live_road.cleanup import delete_leftovers, highest_listed_id
from live_road.facts import network_reason

SETTINGS_OPTION = "--contract-settings"
# pytest's exit code when the session was stopped by pytest.exit(): the target became unusable.
UNREACHABLE_EXIT = 4


def _no_allure_forwarder(label: str, writers: object) -> None:
    """Stand-in for schemathesis' allure forwarder, which imports allure even for other reports.

    schemathesis 4.32.5 imports `allure_commons` as soon as any report writer is open (the
    `[reports]` trap of the toolchain notes). The suite never enables the Allure report, so there
    is nothing to forward to.
    """


schemathesis_plugin._register_allure_forwarder = _no_allure_forwarder


def pytest_addoption(parser: pytest.Parser) -> None:
    """The one way settings reach this process: a file the runner wrote."""
    parser.addoption(SETTINGS_OPTION, help="settings file written by python -m contract_tests")


def pytest_configure(config: pytest.Config) -> None:
    """Install the runtime built from the settings file, before the suite module is imported."""
    path = config.getoption(SETTINGS_OPTION)
    if path is None:
        raise pytest.UsageError("the contract suite runs through `python -m contract_tests`")
    runtime.install(runtime.Runtime.create(SuiteSettings.load(Path(path))))


def _cleanup() -> None:
    state = runtime.current()
    failed = delete_leftovers(state.transport, state.settings.api_key)
    if failed:
        print(f"contract suite: could not delete experiments {failed}")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Make sure cleanup runs however the session ends; make the run's tombstone."""
    state = runtime.current()
    atexit.register(_cleanup)
    try:
        state.journal.id_floor = highest_listed_id(state.transport, state.settings.api_key)
        state.journal.save()
        state.make_tombstone()
        if state.settings.destructive_probes:
            state.probe_hazards()
    except requests.RequestException as error:
        state.record.aborted = f"cannot reach {state.settings.base_url}: {network_reason(error)}"
        state.record.save(state.settings.results_file)
        pytest.exit(state.record.aborted, returncode=UNREACHABLE_EXIT)

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_sigterm)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Record how each test ended; a failure no check explains keeps its exception's message."""
    report = yield
    if report.when == "call" or report.failed:
        error = None
        excinfo = call.excinfo
        if report.failed and excinfo is not None:
            explained = excinfo.errisinstance((Failure, FailureGroup))
            if isinstance(excinfo.value, requests.RequestException):
                error = f"cannot reach the server: {network_reason(excinfo.value)}"
            elif not explained:
                error = f"{excinfo.typename}: {str(excinfo.value).strip()[:2000]}"
        name = item.nodeid.split("::", 1)[-1]
        runtime.current().record.tests.append(ItemOutcome(name, report.outcome, error))
    return report


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Save the record; delete every experiment the run created and has not deleted yet."""
    state = runtime.current()
    state.record.save(state.settings.results_file)
    _cleanup()
    # The ledger saves itself on creates and deletes only; this counts the reads sent since.
    state.journal.save()
