"""Run the contract suite: `posthog-contract` or `python -m contract_tests [--live] ..."""

from __future__ import annotations

from collections.abc import Sequence

from contract_tests import runner


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m contract_tests` (and of a console script): the exit code."""
    return runner.main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
