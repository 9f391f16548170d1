"""`python -m parity`: list, record or live-diff the parity corpus."""

from parity.cli import main

raise SystemExit(main())
