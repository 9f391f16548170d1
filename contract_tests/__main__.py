"""Run the contract suite: `posthog-contract` or `python -m contract_tests [--live] ...`."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

CONSOLE_SCRIPT = "posthog-contract"
MODULE_COMMAND = "python -m contract_tests"
# The suite's own dependencies, installed by the `contract` extra (which includes `mock`).
SUITE_MODULES = frozenset(
    {"schemathesis", "hypothesis", "pytest", "requests", "yaml", "starlette", "granian", "orjson"}
)


def command_name() -> str:
    """The command the user ran: the console script, or the module."""
    return CONSOLE_SCRIPT if Path(sys.argv[0]).name == CONSOLE_SCRIPT else MODULE_COMMAND


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m contract_tests` (and of a console script): the exit code.

    Without the `contract` extra it says which extra to install, in one line, and exits 2.
    """
    prog = command_name()
    try:
        from contract_tests import runner  # noqa: PLC0415
    except ModuleNotFoundError as exc:
        missing = (exc.name or "").partition(".")[0]
        if missing not in SUITE_MODULES:
            raise
        sys.stderr.write(
            f"{prog}: error: the contract suite needs the contract extra ({missing} is not"
            " installed): pip install 'posthog-web-experiments[contract]'\n"
        )
        return 2
    return runner.main(argv, prog=prog)


if __name__ == "__main__":
    raise SystemExit(main())
