"""`python -m spec_lifecycle`: drift watch, compatibility gate and releases."""

from spec_lifecycle.cli import main

raise SystemExit(main())
