"""Known PostHog defects: which findings are known, and tests that go on past them.

A finding is known when the mock says it reproduced the defect on purpose, the baseline lists it,
or the run records the baseline (`--baseline FILE` new, or `--update-baseline`) and so will list
it. The run's own damage (a stored value that broke reads) is never known.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from schemathesis.core.failures import Failure, FailureGroup

from contract_tests import baseline, runtime
from contract_tests.results import DEFECT, CheckFailure


def known_reason(failures: list[CheckFailure], state: runtime.Runtime) -> str | None:
    """Why every finding in `failures` is a known PostHog defect, or None when one is not."""
    settings = state.settings
    expected = state.expected_defects
    damaged = bool(state.journal.read_breaks)
    recording = settings.baseline_file is not None and (
        expected is None or settings.update_baseline
    )
    names: list[str] = []
    for failure in failures:
        if baseline.own_damage(failure, damaged=damaged):
            return None
        if failure.known:
            name = failure.known_as
        elif failure.category != DEFECT:
            return None
        elif expected is not None and baseline.KnownDefect.of(failure) in expected:
            name = f"in the baseline: {baseline.describe(failure)}"
            failure.known_as = name
        elif recording:
            name = f"recorded into the baseline: {baseline.describe(failure)}"
        else:
            return None
        if name not in names:
            names.append(name)
    return "known PostHog defect: " + "; ".join(names) if names else None


@contextmanager
def tolerating_known_defects() -> Iterator[None]:
    """Let a case whose every finding is a known PostHog defect pass, so generation goes on.

    Hypothesis stops an operation's test at its first failure: a defect PostHog is known to
    have (and the mock reproduces) would otherwise end the testing of that operation at the
    first body that meets it. The findings stay recorded; the test is reported as xfailed.
    """
    state = runtime.current()
    before = len(state.test_failures)
    try:
        yield
    except (Failure, FailureGroup):
        found = state.test_failures[before:]
        if not found or known_reason(found, state) is None:
            raise
