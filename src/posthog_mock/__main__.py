"""Entry point of `python -m posthog_mock`."""

from posthog_mock.cli import main

raise SystemExit(main())
