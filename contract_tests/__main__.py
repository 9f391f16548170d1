"""Run the contract suite: `posthog-contract` or `python -m contract_tests [--live] ...`."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from live_road.console import CONTRACT_EXTRA_MODULES, run_with_extra

CONSOLE_SCRIPT = "posthog-contract"
MODULE_COMMAND = "python -m contract_tests"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m contract_tests` (and of a console script): the exit code.

    Without the `contract` extra it says which extra to install, in one line, and exits 2.
    """
    # The command the user ran: the console script, or the module.
    prog = CONSOLE_SCRIPT if Path(sys.argv[0]).name == CONSOLE_SCRIPT else MODULE_COMMAND

    def load() -> Callable[[], int]:
        from contract_tests import runner  # noqa: PLC0415

        return lambda: runner.main(argv, prog=prog)

    return run_with_extra(prog, "the contract suite needs", load, CONTRACT_EXTRA_MODULES)


if __name__ == "__main__":
    raise SystemExit(main())
