"""Break the TCP connection under an ASGI request: a reset, or a close without an answer.

ASGI has no way to drop a connection: an app that fails before answering gets Granian's
`500 Internal server error`. So the socket is found among this process's descriptors by its two
addresses (the scope's `server` and `client`), and a duplicate of it is used: `shutdown()` sends
a FIN before any byte (the client sees the server close without answering), and `connect()` to an
`AF_UNSPEC` address aborts the connection, which Linux does with a RST (the client sees a
connection reset). Granian then finds its socket closed and drops the connection.
"""

from __future__ import annotations

import ctypes
import os
import socket
import sys
from collections.abc import Iterator, MutableMapping
from typing import Any, Final

_PROC_FDS: Final = "/proc/self/fd"
# The scope extension of an in-memory exchange (`posthog_mock.transport`): no socket to break,
# so a drop is reported to the transport, which raises what httpx raises on a real one.
IN_MEMORY: Final = "posthog_mock.in_memory"


class ConnectionFaultError(RuntimeError):
    """The connection of a request cannot be found or broken on this platform."""


class _SockAddr(ctypes.Structure):
    _fields_ = (("family", ctypes.c_ushort), ("data", ctypes.c_char * 14))


def _address(value: Any) -> tuple[str, int] | None:
    if not value or len(value) < 2:
        return None
    # Granian gives ports as strings; a dual-stack socket names IPv4 peers as ::ffff:a.b.c.d.
    return str(value[0]).removeprefix("::ffff:"), int(value[1])


def _descriptors() -> Iterator[int]:
    try:
        names = os.listdir(_PROC_FDS)
    except OSError:
        names = [str(fd) for fd in range(3, 4096)]
    for name in names:
        yield int(name)


def find_socket(scope: MutableMapping[str, Any]) -> socket.socket:
    """Duplicate the server-side socket of the scope's connection (the caller closes it)."""
    server, client = _address(scope.get("server")), _address(scope.get("client"))
    if server is None or client is None:
        raise ConnectionFaultError("the ASGI scope does not name both ends of the connection")
    for fd in _descriptors():
        try:
            duplicate = os.dup(fd)
        except OSError:
            continue
        try:
            candidate = socket.socket(fileno=duplicate)
        except OSError:
            # Not a socket (a pipe, a file): the duplicate is ours to close, or it leaks.
            os.close(duplicate)
            continue
        try:
            if (
                candidate.type == socket.SOCK_STREAM
                and _address(candidate.getsockname()) == server
                and _address(candidate.getpeername()) == client
            ):
                return candidate
        except OSError:
            pass
        candidate.close()
    raise ConnectionFaultError(f"no socket of this process connects {server} and {client}")


def close_without_answer(scope: MutableMapping[str, Any]) -> None:
    """Send a FIN before any byte of an answer: an empty reply."""
    in_memory = (scope.get("extensions") or {}).get(IN_MEMORY)
    if in_memory is not None:
        in_memory.drop("closed")
        return
    with find_socket(scope) as sock:
        sock.shutdown(socket.SHUT_RDWR)


def reset(scope: MutableMapping[str, Any]) -> None:
    """Abort the connection with a RST (Linux: connect to AF_UNSPEC); elsewhere SO_LINGER 0."""
    in_memory = (scope.get("extensions") or {}).get(IN_MEMORY)
    if in_memory is not None:
        in_memory.drop("reset")
        return
    with find_socket(scope) as sock:
        if sys.platform == "linux":
            libc = ctypes.CDLL(None, use_errno=True)
            address = _SockAddr(socket.AF_UNSPEC)
            if libc.connect(sock.fileno(), ctypes.byref(address), ctypes.sizeof(address)) == 0:
                return
        # A zero linger makes the last close a RST; shutting down first makes Granian close.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        sock.shutdown(socket.SHUT_RDWR)
