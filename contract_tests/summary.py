"""The short report at the end of a run, drawn only from what the run recorded."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from contract_tests.exclusions import EXCLUSIONS, OPERATION_IDS, OPERATIONS
from contract_tests.matrix import render_matrix
from contract_tests.results import DEFECT, CheckFailure, ItemOutcome, RunRecord
from contract_tests.settings import RESULTS_FILE, SuiteSettings
from live_road.cleanup import flag_lines
from live_road.journal import Journal

BUILTIN_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
    "use_after_free",
    "ensure_resource_availability",
    "ignored_auth",
    "object_level_authorization",
)
OWN_CHECKS = (
    "posthog_error_envelope",
    "feature_flag_key_stable",
    "variants_round_trip",
    "pagination_links",
    "created_at_is_utc",
    "scope_enforced",
    "deleted_is_gone",
)
CHECK_GROUPS = {
    "built-in (schemathesis)": BUILTIN_CHECKS,
    "own (contract_tests/checks.py)": OWN_CHECKS,
}
# The check name of a write whose stored value broke reads (the guard's read-back, not a
# schemathesis check): always a PostHog defect of this run, never baselined.
READ_BREAK_CHECK = "stored_value_breaks_reads"
WRITE_OPERATIONS = {m: op for op, (m, _) in OPERATIONS.items() if m in ("POST", "PUT", "PATCH")}
MESSAGE_LINES = 12
# Longer request lines and curl commands are cut in the summary; the record keeps them whole.
SHOWN_CHARACTERS = 400

# Exit codes of `python -m contract_tests`, documented in the README and in --help.
EXIT_PASSED = 0
EXIT_DISAGREEMENT = 1
EXIT_USAGE = 2
EXIT_DEFECTS = 3
EXIT_UNREACHABLE = 4
EXIT_LEFTOVERS = 5
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class Verdict:
    """What a recorded run means: its exit code and the last line of the summary."""

    exit_code: int
    word: str


def verdict(record: RunRecord | None, *, leftovers: Sequence[object]) -> Verdict:
    """The exit code: disagreements beat new defects beat leftovers; known defects pass."""
    if record is None:
        return Verdict(EXIT_DISAGREEMENT, "FAILED (the run recorded nothing)")
    if record.aborted:
        return Verdict(EXIT_UNREACHABLE, "ABORTED")
    new = [failure for failure in record.failures if not failure.known]
    errors = [test for test in record.tests if test.error]
    # A failed test with nothing recorded to explain it must never pass as "known".
    unexplained = not record.failures and any(t.outcome == "failed" for t in record.tests)
    if any(f.category != DEFECT for f in new) or errors or unexplained or not record.tests:
        return Verdict(EXIT_DISAGREEMENT, "FAILED")
    if new:
        return Verdict(EXIT_DEFECTS, "FAILED (PostHog defects only)")
    if leftovers:
        return Verdict(EXIT_LEFTOVERS, "FAILED (experiments left behind)")
    known = len(record.failures)
    return Verdict(EXIT_PASSED, f"PASSED ({known} known defects)" if known else "PASSED")


def matrix_lines(record: RunRecord | None, results_file: Path) -> list[str]:
    """The title, legend and rows of the checks x operations matrix the run recorded."""
    title = f"{len(BUILTIN_CHECKS) + len(OWN_CHECKS)} checks x {len(OPERATION_IDS)} operations"
    if record is None:
        return [f"{title}: no results recorded ({results_file} is missing)"]
    failing: dict[tuple[str, str], bool] = {}
    for failure in record.failures:
        cell = (failure.operation, failure.check)
        failing[cell] = failing.get(cell, True) and failure.known
    rows = render_matrix(
        record.matrix,
        operations=OPERATION_IDS,
        check_groups=CHECK_GROUPS,
        excluded={(exclusion.operation_id, exclusion.check) for exclusion in EXCLUSIONS},
        known={cell for cell, all_known in failing.items() if all_known},
    )
    excluded = f"{len(EXCLUSIONS)} pairs excluded (contract_tests/exclusions.py says why)"
    return [f"{title}, {excluded}:", *rows]


def read_break_failures(ledger: Journal, *, replay_prefix: str) -> list[CheckFailure]:
    """The run's read breaks (found by the guard's read-back) as PostHog defects."""
    failures = []
    for brk in ledger.read_breaks:
        method = brk.write.split(" ", 1)[0]
        where = f"experiment {brk.experiment_id}" if brk.experiment_id is not None else "it"
        handled = (
            f"{where} was deleted at once; the list then answered {brk.list_after}"
            if brk.deleted
            else f"{where} could NOT be deleted (no id found); the list answers {brk.list_after}"
        )
        classes = ", ".join(brk.hazards) if brk.hazards else "no known class (hazards.py)"
        failures.append(
            CheckFailure(
                operation=WRITE_OPERATIONS.get(method, "web_experiments_create"),
                check=READ_BREAK_CHECK,
                category=DEFECT,
                phase="read-back",
                status_code=brk.write_status,
                title="stored value breaks reads",
                message="\n".join(
                    [
                        f"PostHog accepted the write ({brk.write_status}) and then failed to read"
                        f" it back: {brk.read}.",
                        handled + ".",
                        f"Values PostHog stores but cannot render: {classes}.",
                        "Smallest body that shows it (reduced from the body sent, never re-sent):",
                        brk.smallest_body,
                    ]
                ),
                request=brk.write,
                cause="stored value breaks reads",
                curl=f"curl -X {method} {replay_prefix}{brk.write.split(' ', 1)[-1]}"
                f" -H 'Authorization: Bearer [Filtered]' -H 'Content-Type: application/json'"
                f" -d '{brk.smallest_body}'",
                test="read-back",
            )
        )
    return failures


def failure_lines(failure: CheckFailure, replay: list[str], seed: int) -> list[str]:
    """One failure: what, where, the check's whole message, and how to replay it."""
    kind = "PostHog defect (5xx)" if failure.category == DEFECT else "contract disagreement"
    if failure.known:
        kind += f", known ({failure.known_as})" if failure.known_as else ", known"
    times = f", {failure.occurrences} times" if failure.occurrences > 1 else ""
    lines = [
        f"{'DEFECT' if failure.category == DEFECT else 'DISAGREE'} {failure.check}"
        f" on {failure.operation}: {kind}{times}",
        f"    - {failure.title}",
        f"      {_cut(failure.request)} -> {failure.status_code} ({failure.phase} phase"
        + (f"; body: {failure.cause}" if failure.cause not in ("-", "other") else "")
        + ")",
    ]
    message = [line for line in failure.message.splitlines() if line.strip()]
    lines += [f"      {line}" for line in message[:MESSAGE_LINES]]
    if len(message) > MESSAGE_LINES:
        lines.append(f"      ... {len(message) - MESSAGE_LINES} more lines")
    lines.append(f"    replay the case: {_cut(failure.curl)}")
    return [*lines, replay_line(replay, seed, failure.test)]


def replay_line(replay: list[str], seed: int, test: str) -> str:
    """The command that runs `test` again as this run did."""
    return "    replay the run:  " + shlex.join([*replay, "--seed", str(seed), "--only", test])


# The order pytest's own summary line uses, and what each word means here.
OUTCOMES = {
    "failed": "",
    "passed": "",
    "skipped": "",
    "xfailed": " (known PostHog defects only)",
    "xpassed": " (known defects not reproduced)",
}


def test_counts(tests: Sequence[ItemOutcome]) -> str:
    """`7 tests: 5 passed, 2 xfailed (...)`: the outcomes that occurred, as pytest words them."""
    words = [*OUTCOMES, *sorted({t.outcome for t in tests} - set(OUTCOMES))]
    counts = {word: sum(t.outcome == word for t in tests) for word in words}
    parts = [f"{n} {word}{OUTCOMES.get(word, '')}" for word, n in counts.items() if n]
    return f"{len(tests)} tests" + (": " + ", ".join(parts) if parts else "")


def _cut(text: str) -> str:
    if len(text) <= SHOWN_CHARACTERS:
        return text
    return text[:SHOWN_CHARACTERS] + f" ... ({len(text)} characters, whole in {RESULTS_FILE})"


def render(
    settings: SuiteSettings,
    record: RunRecord | None,
    ledger: Journal,
    *,
    leftovers: list[int],
    replay: list[str],
    reports: list[Path],
    baseline_note: str | None = None,
    interrupted: bool = False,
    resumed: Sequence[str] = (),
) -> tuple[str, int]:
    """The summary text printed at the end of a run, and the run's exit code."""
    seed = settings.seed
    outcome = verdict(record, leftovers=[*leftovers, *ledger.suspect_names])
    if interrupted:
        outcome = Verdict(EXIT_INTERRUPTED, "INTERRUPTED")
    tests = record.tests if record is not None else []
    failures = record.failures if record is not None else []
    defects = [f for f in failures if f.category == DEFECT]
    lines = [
        "",
        "=" * 72,
        f"Contract suite against {settings.base_url} ({settings.mode}), seed {seed}",
        f"{test_counts(tests)}; {ledger.requests_sent} requests sent;"
        " phases examples, coverage, fuzzing, stateful",
        *matrix_lines(record, settings.results_file),
    ]
    if record is not None and record.aborted:
        lines.append(f"ABORTED: {record.aborted}")
    lines.extend(f"Before the run: {line}" for line in resumed)
    if settings.read_only_key is None:
        lines.append(
            "scope_enforced: no read-only key given, so only the full key was used"
            " (pass --read-only-api-key or set POSTHOG_READ_ONLY_API_KEY to check that a"
            " read-only key cannot write)"
        )
    if failures:
        lines.append(
            f"Findings: {len(failures) - len(defects)} contract disagreements,"
            f" {len(defects)} PostHog defects (5xx), {sum(f.known for f in failures)} known"
        )
    for failure in sorted(failures, key=lambda f: (f.known, f.category == DEFECT)):
        lines.extend(failure_lines(failure, replay, seed))
    for test in tests:
        if test.outcome == "xpassed":
            lines.append(f"XPASS {test.name}: {test.reason}")
        if test.error:
            lines += [f"ERROR {test.name}: {test.error}", replay_line(replay, seed, test.name)]
    if baseline_note:
        lines.append(baseline_note)
    if ledger.suspect_names:
        lines.append(
            f"PostHog answered 5xx to {len(ledger.suspect_names)} creates and may have stored"
            " them, but the project could not be listed to find them; look for experiments"
            " named: " + ", ".join(repr(name) for name in ledger.suspect_names[:5])
        )
    created, skipped = list(ledger.created.values()), ledger.skipped_creates
    lines.append(
        f"Experiments created: {len(created)}, deleted: {sum(e.deleted for e in created)}"
        + (f", NOT deleted: {leftovers}" if leftovers else "")
        + (f", creates skipped (budget): {skipped}" if skipped else "")
    )
    if ledger.throttled_waits:
        waited = sum(ledger.throttled_waits)
        lines.append(f"Throttled {len(ledger.throttled_waits)} times, waited {waited:.0f} s")
    if ledger.refused:
        lines.append(
            f"Refused to send {len(ledger.refused)} unsafe requests, e.g. {ledger.refused[0]}"
        )
    live = settings.mode == "live"
    lines.extend(flag_lines(ledger, list_flags=live, state_file=settings.state_file))
    lines.append("Reports: " + ", ".join(str(report) for report in reports))
    lines.append(f"{outcome.word} (exit {outcome.exit_code})")
    return "\n".join(lines), outcome.exit_code
