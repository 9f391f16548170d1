"""`python -m live_road clean` (also `posthog-live clean`): finish what live runs left."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from live_road.cleanup import flag_lines, resume
from live_road.facts import KEY_ROLES, Target
from live_road.journal import DEFAULT_JOURNAL, Journal, JournalTargetError, release

EXIT_LEFTOVERS = 5


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m live_road",
        description="The live tools' journal: clean up what any live run left (experiments,"
        " creates that got no answer, feature flags). Reads POSTHOG_HOST, POSTHOG_PROJECT_ID,"
        " POSTHOG_PERSONAL_API_KEY and, when set, PARITY_OTHER_PROJECT_ID.",
        epilog="exit codes: 0 nothing left, 2 usage, 5 something left (named above)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    clean = sub.add_parser("clean", help="delete what the journal says live runs left")
    clean.add_argument(
        "--journal",
        type=Path,
        default=DEFAULT_JOURNAL,
        help=f"the journal (default {DEFAULT_JOURNAL}; the contract suite's: its reports dir)",
    )
    sub.add_parser("scopes", help="print the key roles and the scopes each needs")
    return parser


def clean(journal_path: Path, environ: dict[str, str]) -> int:
    """Resume the journal with the environment's key; print what was done and what is left."""
    missing = [
        name
        for name in ("POSTHOG_HOST", "POSTHOG_PROJECT_ID", KEY_ROLES["all"][0])
        if not environ.get(name)
    ]
    if missing:
        print(f"error: set {', '.join(missing)}", file=sys.stderr)
        return 2
    target = Target(environ["POSTHOG_HOST"].rstrip("/"), environ["POSTHOG_PROJECT_ID"])
    other = environ.get("PARITY_OTHER_PROJECT_ID")
    try:
        lines, journal = resume(
            journal_path,
            target,
            environ[KEY_ROLES["all"][0]],
            projects=[target.project_id, *([other] if other else [])],
            tool="live_road clean",
        )
    except JournalTargetError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for line in lines or [f"nothing to clean in {journal_path}"]:
        print(line)
    for line in flag_lines(journal, state_file=journal_path):
        print(line)
    left = journal.live_ids() or journal.flags_left()
    if not left:
        # Finished: the next run starts from an empty journal.
        Journal(journal_path, base_url=target.base_url, project_id=target.project_id).save()
        return 0
    if journal.live_ids():
        print(f"experiments NOT deleted: {journal.live_ids()}")
    return EXIT_LEFTOVERS


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m live_road` and `posthog-live`."""
    args = _parser().parse_args(argv)
    if args.command == "scopes":
        for role, (variable, scopes) in KEY_ROLES.items():
            print(f"{role:11} {variable:28} {scopes}")
        return 0
    try:
        return clean(args.journal, dict(os.environ))
    finally:
        release(args.journal)


if __name__ == "__main__":
    raise SystemExit(main())
