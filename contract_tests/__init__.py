"""Conformance suite: any server against openapi.yaml, safely, schemathesis under pytest.

A run is two processes. The parent (`python -m contract_tests`) picks and checks the target,
writes the settings as one file, starts pytest on the suite as a child, and afterwards reads
what the child recorded to print the summary and choose the exit code. The child runs
schemathesis; its hooks record every check result as it happens.

Module map:

    parent      __main__.py     entry point, main(argv)
                runner.py       options, the pytest child, cleanup, baseline, exit code
                targets.py      the embedded mock or the live PostHog named by POSTHOG_*, and
                                one read per key before anything else: one-line errors
                summary.py      the summary and the exit code, from the run's record only
                baseline.py     known PostHog defects (--baseline FILE)
    pytest      conftest.py     the runtime from the settings file; records test outcomes
                determinism.py  one seed, one run: no constants drawn from local modules
                test_conformance.py  the tests (every operation and phase, stateful) on
                                openapi.yaml with the run's schemathesis config
                runtime.py      the one Runtime of the process: session, observations, record,
                                which findings are known defects
                hooks.py        filter, steer and record (after_validate) each case
                checks.py       the suite's own checks of PostHog's rules
                bodies.py       positive bodies made semantically valid
                exclusions.py   the operations, and the checks turned off per operation
    both        settings.py     SuiteSettings, written by the parent, read by the child
                results.py      RunRecord: written by the child, read by the parent
                matrix.py       checks x operations tallies and their rendering
    (live_road: the guarded transport, journal and clean-up every request goes through)
                reference.py    PostHog's documented rules as pure functions
"""
