"""pytest plugin: a PostHog mock for the session, emptied before each test, with SDK clients.

Registered under ``pytest11``, so it loads for every pytest run where this package is installed,
SDK-only installs included: nothing beyond pytest is imported until a fixture is used, and only
the mock's fixtures need the ``[mock]`` extra.

Fixtures:
    posthog_mock: the session's mock, emptied before the test, faults and request journal too
        (``base_url``, ``api_key``, ``project_id``, ``reset()``, ``add_fault()``, ``fault()``,
        ``requests``, ``assert_requested()``).
    posthog_client / posthog_async_client: SDK clients on it, ignoring any ``POSTHOG_*``.
    posthog_mock_server: the session's mock without the reset.
    posthog_mock_config: the TOML file it starts with (override it, or set the ini option).
    posthog_mock_factory: start more mocks, each with its own configuration and database
        (and ``posthog_version=``/``strict=``).

``--posthog-version`` (ini ``posthog_mock_posthog_version``) names the PostHog the mocks answer
as (``current``, ``2025-08``, ``2025-08+<change>``), ``--posthog-mock-strict`` (ini
``posthog_mock_strict``) turns on strict mode; both beat the TOML file's ``[server]`` values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from posthog_mock.testing import MockServer
    from posthog_web_experiments import AsyncPostHogWebExperiments, PostHogWebExperiments

MODES = ("in-process", "subprocess")
MockFactory = Callable[..., "MockServer"]


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register ``--posthog-mock-mode`` and the ini options ``posthog_mock_mode``/``_config``."""
    group = parser.getgroup("posthog-mock", "PostHog web experiments mock")
    group.addoption(
        "--posthog-mock-mode",
        choices=MODES,
        default=None,
        help="run the mock in a thread of the test process (default) or as a subprocess",
    )
    group.addoption(
        "--posthog-version",
        dest="posthog_mock_posthog_version",
        metavar="VERSION",
        default=None,
        help="PostHog version the mock answers as: current, 2025-08 or 2025-08+<change>",
    )
    group.addoption(
        "--posthog-mock-strict",
        action="store_true",
        default=None,
        help="strict mode: a clear 400 where PostHog answers 500",
    )
    parser.addini("posthog_mock_mode", "in-process (default) or subprocess", default="in-process")
    parser.addini(
        "posthog_mock_posthog_version", "PostHog version the mock answers as (default: config's)"
    )
    parser.addini("posthog_mock_strict", "strict mode for the mock", type="bool", default=None)
    parser.addini(
        "posthog_mock_config", "TOML file of projects and keys for the mock (default: built-in)"
    )


def pytest_configure(config: pytest.Config) -> None:
    """Reject an unknown mode or PostHog version before any test runs."""
    _mode(config)
    version = _posthog_version(config)
    if version is not None:
        from posthog_mock.profiles import UnknownProfileError, get_profile  # noqa: PLC0415

        try:
            get_profile(version)
        except UnknownProfileError as exc:
            raise pytest.UsageError(f"--posthog-version: {exc}") from None


def _posthog_version(config: pytest.Config) -> str | None:
    value = config.getoption("posthog_mock_posthog_version") or config.getini(
        "posthog_mock_posthog_version"
    )
    return str(value) if value else None


def _strict(config: pytest.Config) -> bool | None:
    option = config.getoption("--posthog-mock-strict")
    if option is not None:
        return bool(option)
    value = config.getini("posthog_mock_strict")
    return None if value is None else bool(value)


def _mode(config: pytest.Config) -> str:
    mode = config.getoption("--posthog-mock-mode") or config.getini("posthog_mock_mode")
    if mode not in MODES:
        raise pytest.UsageError(f"posthog_mock_mode must be one of {', '.join(MODES)}: {mode!r}")
    return str(mode)


def _start(
    stack: ExitStack,
    config: pytest.Config,
    db_path: str | Path,
    config_path: Path | None,
    *,
    posthog_version: str | None = None,
    strict: bool | None = None,
) -> MockServer:
    from posthog_mock.testing import MockServer, MockServerError  # noqa: PLC0415 - on first use

    in_process = _mode(config) == "in-process"
    started = MockServer.start(
        db_path,
        config_path,
        in_process=in_process,
        posthog_version=posthog_version or _posthog_version(config),
        strict=_strict(config) if strict is None else strict,
    )
    try:
        return stack.enter_context(started)
    except MockServerError as exc:
        message = str(exc) if str(exc).startswith("posthog_mock") else f"posthog_mock: {exc}"
    # Outside the except block, so pytest shows the message once, not chained to itself.
    pytest.fail(message, pytrace=False)


@pytest.fixture(scope="session")
def posthog_mock_config(pytestconfig: pytest.Config) -> Path | None:
    """Name the mock's TOML configuration: the ini option ``posthog_mock_config``, else none."""
    value = pytestconfig.getini("posthog_mock_config")
    if not value:
        return None
    return Path(pytestconfig.rootpath, str(value))


@pytest.fixture(scope="session")
def posthog_mock_factory(
    pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[MockFactory]:
    """Start more mocks: ``factory(config=TOML or Path, db_path=, posthog_version=, strict=)``."""
    with ExitStack() as stack:

        def factory(
            config: str | Path | None = None,
            db_path: str | Path | None = None,
            *,
            posthog_version: str | None = None,
            strict: bool | None = None,
        ) -> MockServer:
            folder = tmp_path_factory.mktemp("posthog_mock")
            if isinstance(config, str):
                path = folder / "mock.toml"
                path.write_text(config, encoding="utf-8")
                config = path
            database = folder / "mock.sqlite3" if db_path is None else db_path
            return _start(
                stack,
                pytestconfig,
                db_path=database,
                config_path=config,
                posthog_version=posthog_version,
                strict=strict,
            )

        yield factory


@pytest.fixture(scope="session")
def posthog_mock_server(
    posthog_mock_factory: MockFactory, posthog_mock_config: Path | None
) -> MockServer:
    """Start the session's mock on a free loopback port with a fresh SQLite file (no reset)."""
    return posthog_mock_factory(config=posthog_mock_config)


@pytest.fixture
def posthog_mock(posthog_mock_server: MockServer) -> MockServer:
    """Give the session's mock, emptied before the test (experiments, flags, faults, journal)."""
    posthog_mock_server.reset()
    return posthog_mock_server


@pytest.fixture
def posthog_client(posthog_mock: MockServer) -> Iterator[PostHogWebExperiments]:
    """Give a ``PostHogWebExperiments`` client on the freshly emptied mock."""
    from posthog_web_experiments import PostHogWebExperiments  # noqa: PLC0415

    # environ={}: a POSTHOG_* variable of the developer's shell never redirects a test.
    with PostHogWebExperiments(
        api_key=posthog_mock.api_key,
        host=posthog_mock.base_url,
        project_id=posthog_mock.project_id,
        environ={},
    ) as client:
        yield client


@pytest.fixture
def posthog_async_client(posthog_mock: MockServer) -> AsyncPostHogWebExperiments:
    """Give an ``AsyncPostHogWebExperiments`` client on the freshly emptied mock.

    It keeps no connection open between requests, so it works under any async test runner
    (anyio, pytest-asyncio) and needs no async teardown.
    """
    import httpx  # noqa: PLC0415

    from posthog_web_experiments import AsyncPostHogWebExperiments  # noqa: PLC0415

    no_keepalive = httpx.Limits(max_keepalive_connections=0)
    http = httpx.AsyncClient(limits=no_keepalive, verify=False)  # noqa: S501 - http:// only
    return AsyncPostHogWebExperiments(
        api_key=posthog_mock.api_key,
        host=posthog_mock.base_url,
        project_id=posthog_mock.project_id,
        environ={},
        http_client=http,
    )
