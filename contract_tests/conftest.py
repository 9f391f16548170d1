"""pytest plumbing of the suite: the runtime from the settings file; the record and cleanup."""

from __future__ import annotations

import atexit
from collections.abc import Generator
from pathlib import Path

import pytest
import requests
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.pytest import plugin as schemathesis_plugin

from contract_tests import baseline, interrupts, runtime
from contract_tests import checks as _checks  # noqa: F401  (registers the custom checks)
from contract_tests.determinism import without_local_constants
from contract_tests.exclusions import OPERATION_TESTS
from contract_tests.results import ItemOutcome
from contract_tests.settings import SuiteSettings
from live_road.cleanup import delete_leftovers, highest_listed_id
from live_road.facts import network_reason

without_local_constants()

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
    # Ctrl-C and SIGTERM stop the session even when a test's machinery swallows them.
    interrupts.register(config)


def unreproduced_reason(item: pytest.Item, state: runtime.Runtime) -> str | None:
    """For a passing operation test: the defects the baseline expects of it, none seen so far."""
    expected = state.expected_defects
    operation = OPERATION_TESTS.get(item.name)
    if expected is None or operation is None:
        return None
    seen = {baseline.KnownDefect.of(f) for f in state.record.failures}
    missing = sorted(e for e in expected if e.operation == operation and e not in seen)
    if not missing:
        return None
    listed = "; ".join(f"{e.check} {e.status_code} ({e.cause})" for e in missing)
    return (
        f"the baseline expects PostHog defects here that this run did not reproduce: {listed}"
        f" (fixed in PostHog, or not generated with seed {state.settings.seed})"
    )


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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Record how each test ended; a failure no check explains keeps its exception's message.

    A test whose every finding is a known PostHog defect is reported as xfailed, named by the
    defect, without a traceback; a passing test of an operation the baseline expects a defect
    of is reported as xpassed, with the defects it did not reproduce (not strict: a random run
    need not meet every known defect, so it never fails the run).
    """
    report = yield
    state = runtime.current()
    if report.when == "setup":
        state.test_failures.clear()
    if report.when == "call" or report.failed:
        error = None
        outcome: str = report.outcome
        excinfo = call.excinfo if report.failed else None
        if excinfo is not None and isinstance(excinfo.value, requests.RequestException):
            error = f"cannot reach the server: {network_reason(excinfo.value)}"
        elif excinfo is not None and not excinfo.errisinstance((Failure, FailureGroup)):
            error = f"{excinfo.typename}: {str(excinfo.value).strip()[:2000]}"
        elif (
            report.when == "call" and (excinfo is not None or report.passed) and state.test_failures
        ):
            # Failed, or let go on by tolerating_known_defects: xfailed if all are known.
            reason = state.known_reason(state.test_failures)
            if reason is not None:
                report.outcome = "skipped"
                report.wasxfail = reason
                report.longrepr = None
                outcome = "xfailed"
        elif report.when == "call" and report.passed:
            reason = unreproduced_reason(item, state)
            if reason is not None:
                report.wasxfail = reason
                outcome = "xpassed"
        name = item.nodeid.split("::", 1)[-1]
        reason = getattr(report, "wasxfail", None)
        state.record.tests.append(ItemOutcome(name, outcome, error, reason))
    return report


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Save the record; delete every experiment the run created and has not deleted yet."""
    state = runtime.current()
    state.record.save(state.settings.results_file)
    _cleanup()
    # The ledger saves itself on creates and deletes only; this counts the reads sent since.
    state.journal.save()
