"""Run the contract suite: `python -m contract_tests [--live] [--seed N] [--baseline FILE] ...`."""

from __future__ import annotations

from collections.abc import Sequence

from contract_tests import runner


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m contract_tests` (and of a console script): the exit code."""
    return runner.main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
