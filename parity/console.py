"""Entry point of `posthog-parity`: the command line, or which extra to install."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from live_road.console import CONTRACT_EXTRA_MODULES, run_with_extra


def main(argv: Sequence[str] | None = None) -> int:
    """Run `posthog-parity`, or say in one line which extra it needs (exit 2)."""

    def load() -> Callable[[], int]:
        from parity.cli import main as cli_main  # noqa: PLC0415

        return lambda: cli_main(argv)

    return run_with_extra("posthog-parity", "parity needs", load, CONTRACT_EXTRA_MODULES)


if __name__ == "__main__":
    raise SystemExit(main())
