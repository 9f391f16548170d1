"""Close a client's connection without an answer, as PostHog's worker does when it aborts.

ASGI has no way to abort a connection: an app that raises or returns without answering gets
the server's own 500. So the mock finds the connection's socket among its open descriptors
(by the client and server addresses in the ASGI scope) and shuts it down; the client then sees
the connection close before any response, as it does against a gunicorn worker that died.
"""

from __future__ import annotations

import contextlib
import os
import socket
import stat
from pathlib import Path
from typing import Final

from starlette.types import Scope

_FD_DIR: Final = Path("/proc/self/fd")


class CannotDropConnection(RuntimeError):
    """The connection's socket is not among this process's descriptors."""


def drop_connection(scope: Scope) -> None:
    """Shut down the socket serving `scope` in both directions, or raise CannotDropConnection."""
    client = _address(scope.get("client"))
    server = _address(scope.get("server"))
    if client is None or server is None:
        raise CannotDropConnection("the ASGI scope names no client or server address")
    for fd in _socket_descriptors():
        with contextlib.suppress(OSError), socket.socket(fileno=os.dup(fd)) as sock:
            if sock.type != socket.SOCK_STREAM:
                continue
            if _address(sock.getpeername()) == client and _address(sock.getsockname()) == server:
                sock.shutdown(socket.SHUT_RDWR)
                return
    raise CannotDropConnection(f"no socket of this process is connected to {client}")


def _socket_descriptors() -> list[int]:
    found = []
    with contextlib.suppress(OSError):
        for entry in _FD_DIR.iterdir():
            with contextlib.suppress(OSError, ValueError):
                fd = int(entry.name)
                if stat.S_ISSOCK(os.fstat(fd).st_mode):
                    found.append(fd)
    return found


def _address(value: object) -> tuple[str, int] | None:
    if not isinstance(value, list | tuple) or len(value) < 2:
        return None
    host, port = value[0], value[1]
    if not isinstance(host, str):
        return None
    try:
        number = int(port)  # Granian gives ports as strings
    except (TypeError, ValueError):
        return None
    return host.removeprefix("::ffff:"), number
