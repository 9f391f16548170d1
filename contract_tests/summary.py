"""The short report at the end of a run: what was checked, what failed, how to replay it."""

from __future__ import annotations

import re
import shlex
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from contract_tests.exclusions import EXCLUSIONS, OPERATION_IDS
from contract_tests.guard import Ledger
from contract_tests.matrix import CheckMatrix, render_matrix

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
SUITE_MODULE = "contract_tests.test_conformance"
CURL_LINE = re.compile(r"^[\s|]*(curl .+)$", re.MULTILINE)
FAILURE_TITLE = re.compile(r"^\s*(?:\|\s*)?- (.+)$", re.MULTILINE)


@dataclass(frozen=True)
class TestFailure:
    """One failed pytest test of the suite."""

    node_id: str
    titles: list[str]
    messages: list[str]
    curl: str | None


def read_junit(path: Path) -> tuple[int, list[TestFailure]]:
    """Number of tests and the failures recorded in a pytest JUnit XML file."""
    if not path.exists():
        return 0, []
    root = ET.parse(path).getroot()
    total = 0
    failures: list[TestFailure] = []
    for case in root.iter("testcase"):
        total += 1
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if problem is None:
            continue
        text = (problem.get("message") or "") + "\n" + (problem.text or "")
        titles = list(dict.fromkeys(FAILURE_TITLE.findall(text)))[:8]
        messages = _check_messages(text)
        curl = CURL_LINE.search(text)
        name = case.get("name", "?")
        classname = case.get("classname", "")
        test_class = classname.removeprefix(SUITE_MODULE).lstrip(".")
        failures.append(
            TestFailure(
                node_id=f"{test_class}::{name}" if test_class else name,
                titles=titles,
                messages=messages,
                curl=curl.group(1).strip() if curl else None,
            )
        )
    return total, failures


def _check_messages(text: str) -> list[str]:
    """The first line under each failure title: the check's own explanation."""
    lines = [line.strip().lstrip("|").strip() for line in text.splitlines()]
    messages: list[str] = []
    for index, line in enumerate(lines):
        if line.startswith("- ") and index + 2 < len(lines):
            explanation = lines[index + 2]
            if explanation and not explanation.startswith("["):
                messages.append(explanation[:400])
    return list(dict.fromkeys(messages))[:8]


def matrix_lines(path: Path) -> list[str]:
    """The title, legend and rows of the checks x operations matrix the run recorded."""
    title = f"{len(BUILTIN_CHECKS) + len(OWN_CHECKS)} checks x {len(OPERATION_IDS)} operations"
    matrix = CheckMatrix.load(path)
    if matrix is None:
        return [f"{title}: no results recorded ({path} is missing)"]
    rows = render_matrix(
        matrix,
        operations=OPERATION_IDS,
        check_groups=CHECK_GROUPS,
        excluded={(exclusion.operation_id, exclusion.check) for exclusion in EXCLUSIONS},
    )
    excluded = f"{len(EXCLUSIONS)} pairs excluded (contract_tests/exclusions.py says why)"
    return [f"{title}, {excluded}:", *rows]


def render(
    *,
    mode: str,
    base_url: str,
    seed: int,
    junit: Path,
    html: Path,
    matrix_file: Path,
    ledger: Ledger,
    leftovers: list[int],
    replay: list[str],
    list_flags: bool,
    state_file: Path,
    scope_checked: bool,
) -> str:
    """The summary text printed at the end of a run."""
    total, failures = read_junit(junit)
    lines = [
        "",
        "=" * 72,
        f"Contract suite against {base_url} ({mode}), seed {seed}",
        f"{total} tests, {len(failures)} failed, {ledger.requests_sent} requests sent;"
        " phases examples, coverage, fuzzing, stateful",
        *matrix_lines(matrix_file),
    ]
    if not scope_checked:
        lines.append(
            "scope_enforced: no read-only key given, so only the full key was used"
            " (set POSTHOG_READ_ONLY_API_KEY to check that a read-only key cannot write)"
        )
    for failure in failures:
        lines.append(f"FAILED {failure.node_id}")
        for title in failure.titles:
            lines.append(f"    - {title}")
        for message in failure.messages:
            lines.append(f"      {message}")
        if failure.curl:
            lines.append(f"    replay the case: {failure.curl}")
        lines.append(
            "    replay the run:  "
            + shlex.join([*replay, "--seed", str(seed), "--only", failure.node_id])
        )
    created = list(ledger.created.values())
    lines.append(
        f"Experiments created: {len(created)}, deleted: {sum(e.deleted for e in created)}"
        + (f", NOT deleted: {leftovers}" if leftovers else "")
        + (
            f", creates skipped (budget): {ledger.skipped_creates}"
            if ledger.skipped_creates
            else ""
        )
    )
    if ledger.throttled_waits:
        waited = sum(ledger.throttled_waits)
        lines.append(f"Throttled {len(ledger.throttled_waits)} times, waited {waited:.0f} s")
    if ledger.refused:
        lines.append(
            f"Refused to send {len(ledger.refused)} unsafe requests, e.g. {ledger.refused[0]}"
        )
    flag_keys = [e.feature_flag_key for e in created if e.feature_flag_key]
    if flag_keys and list_flags:
        lines.append(f"Feature flags left behind ({len(flag_keys)}; DELETE keeps them):")
        lines.extend(f"    {key}" for key in flag_keys)
    elif flag_keys:
        lines.append(f"Feature flags left behind: {len(flag_keys)}, listed in {state_file}")
    lines.append(f"Reports: {junit}, {html} and {matrix_file}")
    lines.append("PASSED" if not failures and total and not leftovers else "FAILED")
    return "\n".join(lines)
