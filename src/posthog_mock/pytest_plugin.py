"""pytest plugin: a PostHog mock for the session, emptied before each test, with SDK clients.

Registered under ``pytest11``, so it loads for every pytest run where this package is installed,
SDK-only installs included: nothing beyond pytest is imported until a fixture is used, and only
the mock's fixtures need the ``[mock]`` extra.

Fixtures:
    posthog_mock: the session's mock, emptied before the test, faults and request journal too
        (``base_url``, ``api_key``, ``project_id``, ``reset()``, ``seed()``, ``add_fault()``,
        ``fault()``, ``stub()``, ``requests``, ``assert_requested()``,
        ``assert_requested_in_order()``, ``http_client()``).
    posthog_client / posthog_async_client: SDK clients on it, ignoring any ``POSTHOG_*``.
    posthog_mock_server: the session's mock without the reset.
    posthog_mock_config: the TOML file it starts with (override it, or set the ini option).
    posthog_mock_factory: start more mocks, each with its own configuration and database
        (and ``posthog_version=``/``strict=``).
    posthog_mock_in_memory: a mock without a socket whatever the mode, emptied before the test;
        its ``transport`` serves any ``httpx.Client`` or ``httpx.AsyncClient``.
    posthog_mock_transport: that transport (its URL: ``posthog_mock_in_memory.base_url``).

``--posthog-mock-mode=in-memory`` (ini ``posthog_mock_mode``) makes every fixture use the mock
in memory: the SDK clients and ``posthog_mock.http_client()`` get its httpx transport.

``--posthog-version`` (ini ``posthog_mock_posthog_version``) names the PostHog the mocks answer
as (``2026-05``, the default, ``2025-08``, ``2025-08+<change>``), ``--posthog-mock-strict`` (ini
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
    from posthog_mock.transport import InMemoryMock, InMemoryTransport
    from posthog_web_experiments import AsyncPostHogWebExperiments, PostHogWebExperiments

MODES = ("in-process", "subprocess", "in-memory")
MockFactory = Callable[..., "MockServer"]


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register ``--posthog-mock-mode`` and the ini options ``posthog_mock_mode``/``_config``."""
    group = parser.getgroup("posthog-mock", "PostHog web experiments mock")
    group.addoption(
        "--posthog-mock-mode",
        choices=MODES,
        default=None,
        help="run the mock in a thread of the test process (default), as a subprocess, or in"
        " memory (no socket: clients get an httpx transport that calls the mock directly)",
    )
    group.addoption(
        "--posthog-version",
        dest="posthog_mock_posthog_version",
        metavar="VERSION",
        default=None,
        help="PostHog version the mock answers as: 2026-05 (default), 2025-08 or 2025-08+<change>",
    )
    group.addoption(
        "--posthog-mock-strict",
        action="store_true",
        default=None,
        help="strict mode: a clear 400 where PostHog answers 500",
    )
    parser.addini(
        "posthog_mock_mode", "in-process (default), subprocess or in-memory", default="in-process"
    )
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

    if _mode(config) == "in-memory":
        return _in_memory(  # type: ignore[return-value]
            stack,
            db_path,
            config_path,
            posthog_version=posthog_version or _posthog_version(config),
            strict=_strict(config) if strict is None else strict,
        )
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


def _in_memory(
    stack: ExitStack,
    db_path: str | Path,
    config_path: Path | None,
    *,
    posthog_version: str | None = None,
    strict: bool | None = None,
) -> InMemoryMock:
    """Open the mock in memory: the same app, state and checks, answered without a socket."""
    import dataclasses  # noqa: PLC0415

    from posthog_mock.testing import MockServerError  # noqa: PLC0415 - names the missing extra

    try:
        from posthog_mock.config import ConfigError, default_config, load_config  # noqa: PLC0415
        from posthog_mock.seeding import SeedError  # noqa: PLC0415
        from posthog_mock.transport import InMemoryMock  # noqa: PLC0415
    except ModuleNotFoundError as exc:
        missing = (exc.name or "").partition(".")[0]
        error = MockServerError(
            f"the in-memory mock needs the mock extra ({missing} is not installed):"
            " pip install 'posthog-web-experiments[mock]'"
        )
        pytest.fail(f"posthog_mock: {error}", pytrace=False)
    try:
        mock_config = default_config() if config_path is None else load_config(config_path)
        if posthog_version is not None:
            mock_config = dataclasses.replace(mock_config, posthog_version=posthog_version)
        if strict is not None:
            mock_config = dataclasses.replace(mock_config, strict=strict)
        mock = InMemoryMock(mock_config, db_path)
    except (ConfigError, SeedError) as exc:
        pytest.fail(f"posthog_mock: posthog_mock cannot start: {exc}", pytrace=False)
    stack.callback(mock.close)
    return mock


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
    import httpx  # noqa: PLC0415

    from posthog_web_experiments import PostHogWebExperiments  # noqa: PLC0415

    # environ={}: a POSTHOG_* variable of the developer's shell never redirects a test.
    transport = posthog_mock.client_transport
    with PostHogWebExperiments(
        api_key=posthog_mock.api_key,
        host=posthog_mock.base_url,
        project_id=posthog_mock.project_id,
        environ={},
        http_client=None if transport is None else httpx.Client(transport=transport),
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
    http = httpx.AsyncClient(
        limits=no_keepalive,
        verify=False,  # noqa: S501 - http:// only
        transport=posthog_mock.client_transport,
    )
    return AsyncPostHogWebExperiments(
        api_key=posthog_mock.api_key,
        host=posthog_mock.base_url,
        project_id=posthog_mock.project_id,
        environ={},
        http_client=http,
    )


@pytest.fixture(scope="session")
def posthog_mock_in_memory_session(
    tmp_path_factory: pytest.TempPathFactory,
    posthog_mock_config: Path | None,
    pytestconfig: pytest.Config,
) -> Iterator[InMemoryMock]:
    """Open the session's in-memory mock (whatever the mode), without the reset."""
    with ExitStack() as stack:
        yield _in_memory(
            stack,
            tmp_path_factory.mktemp("posthog_mock") / "mock.sqlite3",
            posthog_mock_config,
            posthog_version=_posthog_version(pytestconfig),
            strict=_strict(pytestconfig),
        )


@pytest.fixture
def posthog_mock_in_memory(posthog_mock_in_memory_session: InMemoryMock) -> InMemoryMock:
    """Give the session's in-memory mock, emptied before the test: ``transport`` for httpx."""
    posthog_mock_in_memory_session.reset()
    return posthog_mock_in_memory_session


@pytest.fixture
def posthog_mock_transport(posthog_mock_in_memory: InMemoryMock) -> InMemoryTransport:
    """Give the in-memory mock's httpx transport (emptied before the test), for any client."""
    return posthog_mock_in_memory.transport
