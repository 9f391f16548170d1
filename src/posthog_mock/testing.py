"""Start the mock for tests and embedding: `MockServer.start()`, in a thread or a subprocess.

Either way it is the real server answering real HTTP on a loopback port: a subprocess runs
`python -m posthog_mock` (Granian's supervisor and worker, as a user runs it); in-process runs
the same ASGI app on Granian's embedded server in a thread of this process (milliseconds to
start; see bench/plugin_start.md). Only the in-process mode imports Starlette and Granian here.
"""

from __future__ import annotations

import asyncio
import atexit
import dataclasses
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Final

import httpx

from posthog_mock.config import DEFAULT_API_KEY, ConfigError, MockConfig, load_config
from posthog_mock.controls import MockControls, MockServerError
from posthog_mock.profiles import get_profile

__all__ = ["MockControls", "MockServer", "MockServerError", "free_port"]

STARTUP_TIMEOUT: Final = 20.0
_BUSY_PORT_MARK: Final = "address already in use"


def free_port(host: str = "127.0.0.1") -> int:
    """Ask the OS for a currently free TCP port on `host`."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


# Granian 2.8's embedded server aborts the whole process when a stopped instance is garbage
# collected before interpreter exit; stopped instances are therefore kept until then.
_STOPPED_EMBEDDED: list[Any] = []
# Granian's Rust runtime threads outlive `stop()` by a few milliseconds; one still running when
# the interpreter finalizes aborts the process ("panic in a function that cannot unwind").
_RUNTIME_EXIT_TIMEOUT: Final = 5.0
# The runtime threads end within milliseconds of stop(); servers started at the same moment in
# other threads can make the snapshot include their threads too, so the wait is capped short.
_RUNTIME_THREADS_WAIT: Final = 1.0
_TASKS: Final = Path("/proc/self/task")


_RUNNING_EMBEDDED: set[_EmbeddedServer] = set()


def _stop_running_embedded() -> None:
    """At interpreter exit, stop servers nobody stopped (a script or notebook that just ends)."""
    for server in list(_RUNNING_EMBEDDED):
        server.stop(_RUNTIME_EXIT_TIMEOUT)


atexit.register(_stop_running_embedded)


def native_threads() -> frozenset[str]:
    """List the OS thread ids of this process (Linux); empty where they cannot be listed."""
    try:
        return frozenset(os.listdir(_TASKS))
    except OSError:
        return frozenset()


def wait_for_threads_to_exit(threads: frozenset[str], timeout: float) -> bool:
    """Wait until none of these OS threads runs any more; False if some still do."""
    deadline = time.monotonic() + timeout
    while threads & native_threads():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.001)
    return True


class _EmbeddedServer:
    """The mock app on Granian's embedded server, in a thread with its own event loop."""

    def __init__(self, config: MockConfig, db_path: str, host: str, port: int) -> None:
        # Only reached after _serve_in_thread() found the [mock] extra installed.
        from granian.constants import Interfaces  # noqa: PLC0415
        from granian.server.embed import Server  # noqa: PLC0415

        from posthog_mock.app import MockApp  # noqa: PLC0415

        self._granian = Server(
            MockApp(config, db_path),
            address=host,
            port=port,
            interface=Interfaces.ASGI,
            websockets=False,
            log_enabled=False,
        )
        self._loop = asyncio.new_event_loop()
        self.error: BaseException | None = None
        self._threads_before = native_threads()
        self._runtime_threads: frozenset[str] = frozenset()
        self._thread = threading.Thread(target=self._run, name=f"posthog_mock:{port}", daemon=True)
        _RUNNING_EMBEDDED.add(self)
        self._thread.start()

    def started(self) -> None:
        """Note the OS threads the server runs on, once it answers, so `stop()` can await them."""
        self._runtime_threads = native_threads() - self._threads_before

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._granian.serve())
        except BaseException as exc:  # reported by launch()
            self.error = exc
        finally:
            self._loop.close()

    def alive(self) -> bool:
        """Whether the serving thread still runs."""
        return self._thread.is_alive()

    def stop(self, timeout: float) -> None:
        """Ask the server to shut down and wait for its thread."""
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._granian.stop)
            self._thread.join(timeout)
        wait_for_threads_to_exit(self._runtime_threads, min(timeout, _RUNTIME_THREADS_WAIT))
        _RUNNING_EMBEDDED.discard(self)
        _STOPPED_EMBEDDED.append(self._granian)


class MockServer(MockControls):
    """The mock on a loopback port, awaited until healthy: a subprocess, or in this process."""

    def __init__(
        self,
        db_path: Path | str = ":memory:",
        config_path: Path | None = None,
        port: int | None = None,
        host: str = "127.0.0.1",
        *,
        in_process: bool = False,
        posthog_version: str | None = None,
        strict: bool | None = None,
    ) -> None:
        """Remember how to start the server; `start()` or `launch()` runs it.

        `posthog_version` and `strict`, when given, beat the configuration file's (like the
        command line's `--posthog-version` and `--strict`).
        """
        if posthog_version is not None:
            get_profile(posthog_version)  # an unknown version fails here, not in the server
        self.posthog_version = posthog_version
        self.strict = strict
        self.db_path = str(db_path)
        self.config_path = config_path
        self.host = host
        self.in_process = in_process
        self._fixed_port = port
        self.port = port or 0
        self.process: subprocess.Popen[bytes] | None = None
        self._embedded: _EmbeddedServer | None = None
        self._log: IO[bytes] | None = None
        # Plain HTTP on loopback: skipping CA loading makes each client ~100x cheaper.
        self._http = httpx.Client(timeout=10.0, verify=False)  # noqa: S501 - http:// only
        self.api_key: str | None = DEFAULT_API_KEY
        self.project_id = 1
        if config_path is not None:
            try:
                config = load_config(config_path)
            except ConfigError:
                # The server reports the problem itself; launch() shows its output.
                self.api_key = None
            else:
                self.api_key = config.keys[0].value if config.keys else None
                self.project_id = config.projects[0].id

    @classmethod
    @contextmanager
    def start(
        cls,
        db_path: Path | str = ":memory:",
        config_path: Path | None = None,
        port: int | None = None,
        *,
        in_process: bool = False,
        posthog_version: str | None = None,
        strict: bool | None = None,
    ) -> Iterator[MockServer]:
        """Run a server for the duration of the `with` block (as `posthog_version`, `strict`)."""
        server = cls(
            db_path,
            config_path,
            port,
            in_process=in_process,
            posthog_version=posthog_version,
            strict=strict,
        )
        server.launch()
        try:
            yield server
        finally:
            server.close()

    @property
    def base_url(self) -> str:
        """The server's root URL, e.g. `http://127.0.0.1:54321`."""
        return f"http://{self.host}:{self.port}"

    def launch(self, timeout: float = STARTUP_TIMEOUT, *, wait_for_port: bool = False) -> None:
        """Start the subprocess and wait for `GET /_mock/health`.

        A free port picked by the helper is retried if another process grabs it first; with
        `wait_for_port` a fixed port is retried until the previous server has released it.
        """
        deadline = time.monotonic() + timeout
        while True:
            self.port = self._fixed_port or free_port(self.host)
            try:
                self._spawn_and_wait(max(deadline - time.monotonic(), 1.0))
                return
            except MockServerError as exc:
                retry = wait_for_port or not self._fixed_port
                if (
                    not retry
                    or _BUSY_PORT_MARK not in str(exc).lower()
                    or time.monotonic() > deadline
                ):
                    raise
                time.sleep(0.1)

    def _spawn_and_wait(self, timeout: float) -> None:
        if self.in_process:
            self._serve_in_thread(timeout)
            return
        command = [sys.executable, "-m", "posthog_mock", "--host", self.host]
        command += ["--port", str(self.port), "--db", self.db_path]
        if self.config_path is not None:
            command += ["--config", str(self.config_path)]
        if self.posthog_version is not None:
            command += ["--posthog-version", self.posthog_version]
        if self.strict is not None:
            command += ["--strict" if self.strict else "--no-strict"]
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            command, stdout=self._log, stderr=subprocess.STDOUT, env=env
        )
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=1.0, verify=False) as client:  # noqa: S501 - http:// only
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    output = self.output()
                    self._close_log()
                    raise MockServerError(
                        f"posthog_mock exited with code {self.process.returncode} before it was "
                        f"healthy:\n{output}"
                    )
                try:
                    if client.get(f"{self.base_url}/_mock/health").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                time.sleep(0.05)
        output = self.output()
        self.stop()
        raise MockServerError(
            f"posthog_mock did not answer /_mock/health within {timeout:.0f}s:\n{output}"
        )

    def _serve_in_thread(self, timeout: float) -> None:
        from posthog_mock.config import default_config  # noqa: PLC0415

        try:
            from posthog_mock.seeding import SeedError, validate  # noqa: PLC0415
            from posthog_mock.server import StartupError, check_database, check_port  # noqa: PLC0415
            from posthog_mock.storage import StorageError  # noqa: PLC0415
        except ModuleNotFoundError as exc:
            missing = (exc.name or "").partition(".")[0]
            raise MockServerError(
                f"the mock server needs the mock extra ({missing} is not installed):"
                " pip install 'posthog-web-experiments[mock]'"
            ) from None

        try:
            path = self.config_path
            config = default_config() if path is None else load_config(path)
            if self.posthog_version is not None:
                config = dataclasses.replace(config, posthog_version=self.posthog_version)
            if self.strict is not None:
                config = dataclasses.replace(config, strict=self.strict)
            validate(config.seed, config)
            if self.db_path != ":memory:":
                check_database(self.db_path)
            check_port(self.host, self.port)
        except (ConfigError, StorageError, StartupError, SeedError) as exc:
            raise MockServerError(f"posthog_mock cannot start: {exc}") from None
        embedded = _EmbeddedServer(config, self.db_path, self.host, self.port)
        self._embedded = embedded
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not embedded.alive():
                self._embedded = None
                raise MockServerError(
                    f"posthog_mock stopped before it was healthy: {embedded.error}"
                )
            try:
                if self._http.get(f"{self.base_url}/_mock/health").status_code == 200:
                    embedded.started()
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.001)
        self.stop()
        raise MockServerError(f"posthog_mock did not answer /_mock/health within {timeout:.0f}s")

    def output(self) -> str:
        """Everything the server printed so far (stdout and stderr)."""
        if self._log is None:
            return ""
        self._log.flush()
        position = self._log.tell()
        self._log.seek(0)
        text = self._log.read().decode("utf-8", "replace")
        self._log.seek(position)
        return text

    def stop(self, timeout: float = 10.0) -> int | None:
        """Send SIGTERM, wait, SIGKILL if needed; return the exit code (None in-process)."""
        if self._embedded is not None:
            self._embedded.stop(timeout)
            self._embedded = None
            return None
        process = self.process
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout)
        self._close_log()
        return process.returncode

    def close(self) -> None:
        """Stop the server and release the helper's HTTP client."""
        self.stop()
        self._http.close()

    def kill(self) -> None:
        """SIGKILL the server, as a crash would, and reap it (subprocess servers only)."""
        if self.in_process:
            raise MockServerError("kill() needs a subprocess server (in_process=False)")
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def restart(self, timeout: float = STARTUP_TIMEOUT) -> None:
        """Stop the server (if running) and start it again on the same port and database."""
        self.stop()
        self._fixed_port = self.port
        self.launch(timeout, wait_for_port=True)

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None
