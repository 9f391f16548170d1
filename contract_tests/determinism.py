"""One seed, one run: the requests a seed generates do not depend on where the suite runs.

Hypothesis (6.131 and later) mixes into what it generates the literals of every "local" module
loaded in the test process: anything outside the standard library and site-packages. For this
suite those are its own modules (and the mock's, in a checkout), not the server under test. So
a seed from an installed run (its modules in site-packages) generated other requests in a
checkout, and an edit of any literal of the project changed the requests of every seed. The
suite generates from the spec and Hypothesis' own constants only; `--seed` replays a run on the
same spec and versions, installed or not.
"""

from __future__ import annotations

from hypothesis.internal.conjecture import providers


def without_local_constants() -> None:
    """Make Hypothesis draw no constants from local modules (in this process)."""
    empty = providers.Constants()  # type: ignore[attr-defined]
    # Hypothesis' providers look the function up by name at every draw.
    providers._get_local_constants = lambda: empty
