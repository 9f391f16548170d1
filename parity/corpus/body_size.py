"""Body size: large bodies are accepted up to the server's upload limit."""

from __future__ import annotations

import json

from parity.corpus._helpers import Area, P, create, detail_path, get
from parity.model import Step

AREA = "body_size"
scenario = Area(AREA)


def padded_body(size: int) -> bytes:
    """Build a valid create body padded with an ignored field to about `size` bytes."""
    body = {
        "name": "Large body",
        "variants": {"control": {"rollout_percentage": 100}},
        "padding": "",
    }
    base = len(json.dumps(body).encode())
    body["padding"] = "x" * max(size - base, 0)
    return json.dumps(body).encode()


def large_transform_text(size: int) -> dict[str, object]:
    """Build variants whose one transform carries `size` characters of text."""
    return {
        "control": {
            "rollout_percentage": 100,
            "transforms": [{"selector": "p", "text": "y" * size}],
        }
    }


SCENARIOS = (
    scenario(
        "body_one_megabyte_ignored_field",
        "a 1.5 MB body is accepted",
        Step(
            "POST",
            P,
            data=padded_body(1_500_000),
            content_type="application/json",
            rule="1.5 MB: 201",
        ),
    ),
    scenario(
        "body_large_variant_stored",
        "a 300 kB transform text is stored",
        create("Large variant", variants=large_transform_text(300_000)),
        get(detail_path()),
    ),
    scenario(
        "body_over_upload_limit",
        "a body over the 20 MB upload limit",
        Step(
            "POST",
            P,
            data=padded_body(21_000_000),
            content_type="application/json",
            rule="over the limit",
        ),
    ),
)
