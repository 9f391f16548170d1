"""Run the app on Granian (Rust HTTP stack, one worker process) with pre-flight checks."""

from __future__ import annotations

import ctypes
import errno
import os
import signal
import socket
import sys
from functools import partial
from pathlib import Path

from granian.constants import Interfaces
from granian.log import LogLevels
from granian.server import Server as Granian

from posthog_mock.app import MockApp
from posthog_mock.config import MockConfig
from posthog_mock.storage import ExperimentStore

_PR_SET_PDEATHSIG = 1


class StartupError(Exception):
    """The server cannot start: busy port, bad address or unusable database."""


def check_database(db_path: str | Path) -> None:
    """Create the schema and prove the database is writable, in the parent process."""
    store = ExperimentStore(db_path)
    try:
        store.check_writable()
    finally:
        store.close()


def check_port(host: str, port: int) -> None:
    """Fail with a one-line reason when `host:port` cannot be bound."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise StartupError(f"cannot resolve host {host!r}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        # Like Granian: ignore TIME_WAIT leftovers, but still fail on a listening socket.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            reason = "address already in use" if exc.errno == errno.EADDRINUSE else exc.strerror
            raise StartupError(f"cannot listen on {host}:{port}: {reason}") from None


def _die_with_parent(parent_pid: int) -> None:
    """Make the worker exit when the Granian main process dies, even by SIGKILL."""
    if sys.platform != "linux":
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:
        os.kill(os.getpid(), signal.SIGKILL)


def load_app(config: MockConfig, db_path: str, parent_pid: int) -> MockApp:
    """Build the ASGI app inside the worker process."""
    _die_with_parent(parent_pid)
    return MockApp(config, db_path)


def serve(config: MockConfig, host: str, port: int, db_path: str) -> None:
    """Serve until SIGINT/SIGTERM; Granian's main process supervises one worker."""
    server = Granian(
        target="posthog_mock.app:MockApp",
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=1,
        log_level=LogLevels.warning,
        websockets=False,
    )
    loader = partial(load_app, config, db_path, os.getpid())
    server.serve(target_loader=loader, wrap_loader=False)
