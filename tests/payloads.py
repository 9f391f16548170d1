"""The reference's example experiment (STD), as sent and as PostHog returns it."""

from __future__ import annotations

from typing import Any

HEADLINE_SELECTOR = "#page > #body > .header h1"
STD: dict[str, Any] = {
    "name": "Zero to Web Experiment",
    "variants": {
        "control": {
            "transforms": [
                {"html": "", "text": "There goes Superman!", "selector": HEADLINE_SELECTOR}
            ],
            "rollout_percentage": 70,
        },
        "test": {
            "transforms": [{"html": "", "text": "Up, UP and Away!", "selector": HEADLINE_SELECTOR}],
            "rollout_percentage": 30,
        },
    },
}
STD_RESPONSE: dict[str, Any] = {
    "id": 41,
    "name": "Zero to Web Experiment",
    "created_at": "2025-01-15T10:30:00.123456Z",
    "feature_flag_key": "zero-to-web-experiment-web-experiment-feature-3fa90c1b2d",
    "variants": {
        "control": {
            "rollout_percentage": 70,
            "transforms": [
                {"html": "", "text": "There goes Superman!", "selector": HEADLINE_SELECTOR}
            ],
        },
        "test": {
            "rollout_percentage": 30,
            "transforms": [{"html": "", "text": "Up, UP and Away!", "selector": HEADLINE_SELECTOR}],
        },
    },
}
