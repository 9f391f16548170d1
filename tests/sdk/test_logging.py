"""The opt-in debug log: method, URL, status, timing, retries; never the API key."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import httpx
import pytest

import posthog_web_experiments
from posthog_web_experiments import PostHogWebExperiments

from .conftest import FakeClock, call, open_client
from .fault_server import STD_EXPERIMENT

pytestmark = pytest.mark.anyio

KEY = "phx_super_secret_key"
LOGGER = "posthog_web_experiments"


@pytest.fixture
def restore_logger() -> Iterator[logging.Logger]:
    logger = logging.getLogger(LOGGER)
    level, handlers = logger.level, list(logger.handlers)
    yield logger
    logger.setLevel(level)
    logger.handlers[:] = handlers


async def test_debug_log_has_method_url_status_timing_and_no_key(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    answers = iter([httpx.Response(503, json={}), httpx.Response(200, json=STD_EXPERIMENT)])
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    async with open_client(
        kind,
        clock=FakeClock(),
        handler=lambda request: next(answers),
        api_key=KEY,
        host="http://posthog.test",
        project_id=1,
    ) as client:
        await call(client, "retrieve", 9)
    lines = [r.getMessage() for r in caplog.records if r.name == LOGGER]
    url = "http://posthog.test/api/projects/1/web_experiments/9/"
    assert len(lines) == 3
    assert re.fullmatch(rf"GET {url} -> 503 \(\d+\.\d ms, attempt 1\)", lines[0])
    assert lines[1] == f"GET {url}: retry 1 of 2 in 0.50 s"
    assert re.fullmatch(rf"GET {url} -> 200 \(\d+\.\d ms, attempt 2\)", lines[2])
    assert KEY not in caplog.text


def test_debug_log_is_silent_by_default(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=STD_EXPERIMENT))
    with PostHogWebExperiments(
        api_key=KEY, host="http://h", project_id=1, http_client=httpx.Client(transport=transport)
    ) as client:
        client.retrieve(1)
    assert [r for r in caplog.records if r.name == LOGGER] == []


def test_posthog_log_debug_env_enables_the_stderr_log(
    monkeypatch: pytest.MonkeyPatch, restore_logger: logging.Logger
) -> None:
    monkeypatch.setenv("POSTHOG_LOG", "debug")
    PostHogWebExperiments(api_key=KEY, host="http://h").close()
    PostHogWebExperiments(api_key=KEY, host="http://h").close()
    assert restore_logger.level == logging.DEBUG
    assert [h.get_name() for h in restore_logger.handlers] == ["posthog_web_experiments.debug"]


def test_enable_debug_logging_is_idempotent(restore_logger: logging.Logger) -> None:
    posthog_web_experiments.enable_debug_logging()
    posthog_web_experiments.enable_debug_logging()
    assert len(restore_logger.handlers) == 1
