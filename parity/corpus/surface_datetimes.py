"""Surface: datetimes, a rotating sample of the family in parity/surface_families.py.

Recorded on a server of our own (`parity record --own-server`); the generator
(`python -m parity surface`) sends every case of the family, this corpus two of each input.
"""

from __future__ import annotations

from parity.surface_families import scenarios

AREA = "surface_datetimes"
SCENARIOS = scenarios(AREA, "datetimes", per_input=1)
