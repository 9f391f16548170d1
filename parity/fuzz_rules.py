"""Overrides for generated traffic: known, deliberate differences the lockstep diff explains.

Each rule looks at one request and both normalised exchanges and returns the `Override`s that
explain a difference, each with its reason; the general rules of `parity.overrides` apply too.
"""

from __future__ import annotations

from typing import Any, Final

from parity.lockstep import OverrideRule, RawRequest
from parity.model import Override

FUZZ_RULES: Final[tuple[OverrideRule, ...]] = ()
