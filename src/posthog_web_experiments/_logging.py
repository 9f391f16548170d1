"""The SDK's opt-in debug log of requests: method, URL, status, timing; never headers or keys."""

from __future__ import annotations

import logging
import os

logger = logging.getLogger("posthog_web_experiments")

_HANDLER_NAME = "posthog_web_experiments.debug"


def enable_debug_logging() -> None:
    """Log every request and retry of this SDK to stderr at DEBUG level."""
    logger.setLevel(logging.DEBUG)
    if not any(handler.get_name() == _HANDLER_NAME for handler in logger.handlers):
        handler = logging.StreamHandler()
        handler.set_name(_HANDLER_NAME)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)


def enable_debug_logging_from_env() -> None:
    """Turn the debug log on when ``POSTHOG_LOG=debug``."""
    if os.environ.get("POSTHOG_LOG", "").strip().lower() == "debug":
        enable_debug_logging()
