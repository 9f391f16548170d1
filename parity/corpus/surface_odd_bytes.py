"""Surface: odd segments, a rotating sample of the family in parity/surface_families.py.

Recorded on a server of our own (`parity record --own-server`); the generator
(`python -m parity surface`) sends every case of the family, this corpus two of each input.
"""

from __future__ import annotations

from parity.surface_families import scenarios

AREA = "surface_odd_bytes"
SCENARIOS = scenarios(AREA, "odd_segments")
