"""`python -m contract_tests`: pick the target, check it can be used, run the suite under pytest
in a child process, apply the baseline, print the summary and exit with its code."""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from contract_tests import baseline, summary
from contract_tests.exclusions import OPERATION_TESTS
from contract_tests.results import RunRecord
from contract_tests.settings import (
    DEFAULT_LIVE_MAX_CREATES,
    DEFAULT_LIVE_REQUESTS_PER_MINUTE,
    DEFAULT_MAX_EXAMPLES,
    DEFAULT_PREFIX,
    REPO_ROOT,
    SETTINGS_FILE,
    SettingsError,
    SuiteSettings,
)
from contract_tests.targets import (
    OPTIONS,
    SERVER_VALUES,
    TargetInfo,
    TargetUnusableError,
    live_target,
    mock_target,
    preflight,
)
from live_road import cleanup as live_cleanup
from live_road.facts import Target, posthog_cloud_host
from live_road.journal import JOURNAL_NAME, Journal, JournalTargetError
from live_road.policy import Policy
from live_road.transport import GuardedTransport

SUITE_DIR = Path(__file__).resolve().parent
DESTRUCTIVE_VARIABLE = "POSTHOG_DESTRUCTIVE_PROBES"
# How long a child pytest may take to run its own cleanup after Ctrl-C.
INTERRUPT_GRACE_SECONDS = 60
# After Ctrl-C: how long the child may take to stop by itself before it is sent SIGINT.
INTERRUPT_NUDGE_SECONDS = 10


DEFAULT_COMMAND = "python -m contract_tests"
# pytest's exit code when no test was selected.
PYTEST_NO_TESTS = 5


def build_parser(prog: str = DEFAULT_COMMAND) -> argparse.ArgumentParser:
    """Command-line options of the runner; `prog` is the command the user ran."""
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Check a PostHog web experiments server against openapi.yaml: an embedded"
        " posthog_mock by default, or the server --host (or --live) names.",
        epilog="exit codes: 0 passed (known defects allowed), 1 contract disagreement or"
        " suite error, 2 usage or missing settings, 3 PostHog defects (5xx) only, 4 host"
        " unreachable or key refused, 5 experiments left behind, 130 interrupted",
    )
    parser.add_argument(
        "--live",
        action="store_true",
        help="run against the server the options below or POSTHOG_HOST / POSTHOG_PROJECT_ID /"
        " POSTHOG_PERSONAL_API_KEY name, instead of an embedded posthog_mock; paced, with a"
        " create budget (production-safe)",
    )
    server = parser.add_argument_group(
        "the server to check (each option overrides its environment variable)"
    )
    for variable, (option, metavar, what) in SERVER_VALUES.items():
        server.add_argument(option, metavar=metavar, help=f"{what} (env {variable})")
    server.add_argument(
        "--own-server",
        action="store_true",
        help="a server you own (refused for PostHog Cloud): no pacing and no create budget"
        " even with --live; the guard still writes only to the run's own experiments",
    )
    # The command the user ran, when it is not this one (the make targets set it).
    parser.add_argument("--command-name", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, help="reproduce a run (printed in every summary)")
    parser.add_argument(
        "--max-examples",
        type=int,
        default=DEFAULT_MAX_EXAMPLES,
        help=f"generated examples per operation and phase (default {DEFAULT_MAX_EXAMPLES})",
    )
    parser.add_argument(
        "--max-creates",
        type=int,
        help=f"experiments the run may create (default {DEFAULT_LIVE_MAX_CREATES} with --live or"
        " on PostHog Cloud, else unbounded)",
    )
    parser.add_argument(
        "--prefix",
        default=DEFAULT_PREFIX,
        help=f"name prefix of created experiments (default {DEFAULT_PREFIX!r})",
    )
    parser.add_argument(
        "--requests-per-minute",
        type=int,
        help=f"pace requests (default {DEFAULT_LIVE_REQUESTS_PER_MINUTE} with --live or on"
        " PostHog Cloud, else unpaced)",
    )
    parser.add_argument(
        "--reports-dir", type=Path, default=REPO_ROOT / "reports", help="default: reports/"
    )
    parser.add_argument(
        "--only",
        dest="select",
        metavar="TEST",
        help="run one test of the suite, as the summary names it, e.g."
        " 'test_operation[GET /api/projects/{project_id}/web_experiments/]'",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="known PostHog defects (5xx): applied when FILE exists, else recorded into it",
    )
    parser.add_argument(
        "--destructive-probes",
        action="store_true",
        default=os.environ.get(DESTRUCTIVE_VARIABLE, "") == "1",
        help="on a disposable server only: send the values known to break reads"
        " (posthog_mock/hazards.py) on purpose and report them as PostHog defects;"
        f" refused on PostHog Cloud (env {DESTRUCTIVE_VARIABLE}=1)",
    )
    parser.add_argument(
        "--update-baseline",
        action="store_true",
        help="with --baseline: also add the defects this run finds to FILE",
    )
    return parser


def targets_server(args: argparse.Namespace) -> bool:
    """Whether the run checks a server named by options or variables (not an embedded mock)."""
    return bool(args.live or args.host)


def settings_for(args: argparse.Namespace, target: TargetInfo) -> SuiteSettings:
    """The suite settings for parsed options and a resolved target."""
    live = targets_server(args)
    # Live pacing and the create budget (production-safe): on PostHog Cloud, or with --live on
    # a server not declared one's own.
    cloud = posthog_cloud_host(target.base_url) is not None
    paced = live and (cloud or (args.live and not args.own_server))
    max_creates, rpm = args.max_creates, args.requests_per_minute
    if paced:
        max_creates = DEFAULT_LIVE_MAX_CREATES if max_creates is None else max_creates
        rpm = DEFAULT_LIVE_REQUESTS_PER_MINUTE if rpm is None else rpm
    reports_dir: Path = args.reports_dir.resolve()
    return SuiteSettings(
        mode="live" if live else "mock",
        base_url=target.base_url,
        api_key=target.api_key,
        project_id=target.project_id,
        seed=args.seed if args.seed is not None else secrets.randbelow(2**31),
        max_examples=args.max_examples,
        max_creates=max_creates,
        prefix=args.prefix,
        requests_per_minute=rpm,
        read_only_key=target.read_only_key,
        no_scope_key=target.no_scope_key,
        # Live: the one journal every live tool shares (`live_road`); the mock's is its own.
        state_file=reports_dir / (JOURNAL_NAME if live else "contract-state.json"),
        reports_dir=reports_dir,
        baseline_file=None if args.baseline is None else args.baseline.resolve(),
        update_baseline=bool(args.update_baseline),
        destructive_probes=bool(args.destructive_probes),
    )


# The options refused on PostHog Cloud (named by {host}), and why.
CLOUD_REFUSALS = {
    "own_server": "--own-server is refused for PostHog Cloud ({host}): nobody owns it alone, so"
    " the run stays paced (400 requests a minute) with its create budget",
    "destructive_probes": "--destructive-probes is refused on PostHog Cloud ({host}): the probes"
    " store values that break every read of the project's web experiments until deleted; use a"
    " disposable server (a local PostHog, a staging instance)",
}


def refuse_on_cloud(args: argparse.Namespace, base_url: str) -> None:
    """Raise SettingsError when an option CLOUD_REFUSALS names would go to PostHog Cloud."""
    host = posthog_cloud_host(base_url)
    for option, refusal in CLOUD_REFUSALS.items():
        if host is not None and getattr(args, option):
            raise SettingsError(refusal.format(host=host))


def check_only(select: str) -> None:
    """Raise SettingsError when `--only` names no test of the suite."""
    names = [*OPERATION_TESTS, "TestStateful::runTest"]
    if select in names or any(name.endswith(f"::{select}") for name in names):
        return
    raise SettingsError(
        f"--only {select!r} matches no test of the suite; its tests are: "
        + ", ".join(repr(name) for name in names)
    )


def keyword_expression(test_name: str) -> str:
    """A pytest `-k` expression selecting the test the summary names.

    Schemathesis' per-operation items cannot be selected by node id, and `-k` rejects the
    braces and spaces of their names, so this matches on the method and the path's last part.
    """
    match = re.fullmatch(r"test_operation\[([A-Z]+) (\S+)\]", test_name)
    if match is None:
        return test_name.rsplit("::", 1)[-1]
    method, path = match.groups()
    on_list = "" if path.endswith("web_experiments/") else "not "
    return f"test_operation[{method} and {on_list}web_experiments/]"


def run_suite(settings: SuiteSettings, select: str | None, replay: list[str]) -> int:
    """Run pytest on the suite in a child process; return the exit code after cleanup.

    `replay`: the command and target options the summary's replay lines start with.
    """
    known = baseline.expected(settings.baseline_file)
    settings.reports_dir.mkdir(parents=True, exist_ok=True)
    target = Target(settings.base_url, settings.project_id)
    try:
        # Finish the cleanup of the run that wrote the journal last (any tool, killed or short
        # of scopes).
        resumed, earlier = live_cleanup.resume(
            settings.state_file,
            target,
            settings.api_key,
            requests_per_minute=settings.requests_per_minute,
            tool="contract",
        )
    except JournalTargetError as error:
        print(f"error: {error}", file=sys.stderr)
        return summary.EXIT_LEFTOVERS
    for line in resumed:
        print(f"contract suite: {line}")
    if earlier.live_ids():
        print(
            f"error: experiments of an earlier run could not be deleted: {earlier.live_ids()}"
            f" (pending creates: {earlier.suspect_names}); the journal {settings.state_file}"
            " keeps them for the next run",
            file=sys.stderr,
        )
        return summary.EXIT_LEFTOVERS
    # The new journal carries only the flags earlier runs could not soft-delete.
    live_cleanup.new_journal(settings.state_file, target, tool="contract", earlier=earlier)
    settings.results_file.unlink(missing_ok=True)
    settings_file = settings.reports_dir / SETTINGS_FILE
    settings.save(settings_file)
    junit = settings.reports_dir / "contract-junit.xml"
    html = settings.reports_dir / "schemathesis-html" / "index.html"
    command = [sys.executable, "-m", "pytest", str(SUITE_DIR / "test_conformance.py")]
    command += [f"--contract-settings={settings_file}", f"--junitxml={junit}"]
    command += ["-p", "no:cacheprovider", "--timeout=3600", "-q", "--no-header", "--tb=short"]
    if select:
        command += ["-k", keyword_expression(select)]
    print(f"contract suite: {settings.mode} target {settings.base_url}, seed {settings.seed}")
    sys.stdout.flush()
    interrupted = False
    process = subprocess.Popen(command, env={**os.environ, "PYTHONHASHSEED": "0"}, cwd=REPO_ROOT)
    try:
        process.wait()
    except KeyboardInterrupt:
        interrupted = True
        stop_child(process)
    finally:
        settings_file.unlink(missing_ok=True)
        ledger = Journal.load(settings.state_file)
        leftovers = cleanup(settings, ledger)
    if select and process.returncode == PYTEST_NO_TESTS and not interrupted:
        print(f"error: --only {select!r} selected no test", file=sys.stderr)
        return summary.EXIT_USAGE
    record = RunRecord.load(settings.results_file)
    if record is not None and ledger.read_breaks:
        for failure in summary.read_break_failures(ledger, replay_prefix=settings.base_url):
            record.add_failure(failure)
        record.save(settings.results_file)
    # An interrupted run saw only part of the server: it neither writes nor judges a baseline.
    note = None if interrupted else _baseline_note(settings, record, known, ledger)
    replay = [*replay, "--max-examples", str(settings.max_examples)]
    if settings.baseline_file is not None:
        replay += ["--baseline", str(settings.baseline_file)]
    text, exit_code = summary.render(
        settings,
        record,
        ledger,
        leftovers=leftovers,
        replay=replay,
        reports=[junit, html, settings.results_file],
        baseline_note=note,
        interrupted=interrupted,
        resumed=resumed,
    )
    print(text)
    return exit_code


def stop_child(
    process: subprocess.Popen[bytes],
    nudge: float = INTERRUPT_NUDGE_SECONDS,
    grace: float = INTERRUPT_GRACE_SECONDS,
) -> None:
    """After Ctrl-C: let the child pytest stop and clean up; make sure it was told to.

    Ctrl-C in a terminal reaches the child too, but a SIGINT sent to this process alone does
    not, and a child may miss one: still running after `nudge` seconds, it is sent SIGINT;
    still running `grace` seconds later, it is killed (the runner then deletes what the
    journal lists).
    """
    try:
        process.wait(timeout=nudge)
        return
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _baseline_note(
    settings: SuiteSettings,
    record: RunRecord | None,
    known: set[baseline.KnownDefect] | None,
    ledger: Journal,
) -> str | None:
    """Apply or record the baseline; say what happened in one line."""
    path = settings.baseline_file
    if path is None or record is None or record.aborted:
        return None
    damaged = bool(ledger.read_breaks)
    if known is not None and not settings.update_baseline:
        baseline.apply(record.failures, known, damaged=damaged)
        matched = sum(failure.known for failure in record.failures)
        return f"Baseline {path}: {len(known)} known defects, {matched} findings matched"
    entries = baseline.save(
        path, record.failures, server=settings.base_url, known=known, damaged=damaged
    )
    baseline.apply(record.failures, set(entries), damaged=damaged)
    if known is not None:
        added = len(entries) - len(known)
        return f"Baseline {path} updated: {added} defects added, {len(entries)} known"
    return f"Baseline {path} written: {len(entries)} known defects (delete it to record again)"


def cleanup(settings: SuiteSettings, journal: Journal) -> list[int]:
    """Delete what the pytest process could not (killed, crashed); return ids still alive."""
    if not journal.unfinished() and (journal.flag_scope_missing or not journal.flags_left()):
        return []
    target = Target(settings.base_url, settings.project_id)
    policy = Policy.cleanup(requests_per_minute=settings.requests_per_minute)
    return live_cleanup.delete_leftovers(
        GuardedTransport(target, journal, policy), settings.api_key
    )


def replay_command(prog: str, args: argparse.Namespace, target: TargetInfo) -> list[str]:
    """How the summary's replay lines start: the command the user ran, with the server (never
    its keys: they come from the environment or the options again)."""
    command = shlex.split(prog) if not prog.startswith("make ") else DEFAULT_COMMAND.split()
    if args.live:
        command.append("--live")
    if args.host:
        command += ["--host", target.base_url]
    if args.project_id:
        command += ["--project-id", target.project_id]
    if args.own_server:
        command.append("--own-server")
    return command


def main(argv: Sequence[str] | None = None, prog: str = DEFAULT_COMMAND) -> int:
    """Entry point of `python -m contract_tests` (`prog`: the command the user ran)."""
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    if args.command_name:
        prog = parser.prog = args.command_name
    if args.update_baseline and args.baseline is None:
        parser.error("--update-baseline needs --baseline FILE")
    server_options = {
        option: getattr(args, option.removeprefix("--").replace("-", "_"))
        for option in OPTIONS.values()
    }
    given = [option for option, value in server_options.items() if value is not None]
    if not targets_server(args) and (given or args.own_server):
        parser.error(
            f"{', '.join([*given, *(['--own-server'] * args.own_server)])}: only for a"
            " server run, with --host URL (or --live and POSTHOG_HOST); without them the"
            " run checks an embedded mock"
        )
    try:
        if args.select:
            check_only(args.select)
        context: AbstractContextManager[TargetInfo]
        if targets_server(args):
            # Errors name the command as the user ran it.
            command = prog if prog.startswith("make ") or not args.live else f"{prog} --live"
            context = nullcontext(live_target(os.environ, server_options, command=command))
            # Messages name the option where the user gave one, else the variable.
            names = {var: opt for var, opt in OPTIONS.items() if server_options[opt] is not None}
        else:
            context, names = mock_target(), {"POSTHOG_HOST": "the embedded mock"}
        with context as target:
            refuse_on_cloud(args, target.base_url)
            preflight(target, names)
            replay = replay_command(prog, args, target)
            return run_suite(settings_for(args, target), args.select, replay)
    except (SettingsError, TargetUnusableError) as error:
        print(f"error: {error}", file=sys.stderr)
        return summary.EXIT_USAGE if isinstance(error, SettingsError) else summary.EXIT_UNREACHABLE
