"""Hand-made mutations: requests the spec does not describe, sent in lockstep after schemathesis."""

from __future__ import annotations

from collections.abc import Iterator

from parity.lockstep import Lockstep, RawRequest
from parity.targets import ParityTarget


def mutations(reference: ParityTarget, lockstep: Lockstep, *, seed: int) -> Iterator[RawRequest]:
    """Every mutation, in the reference's terms."""
    return iter(())
