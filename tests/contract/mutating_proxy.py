"""A reverse proxy that breaks the mock in exactly one way, to prove the suite notices."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# A mutant answering with this status closes the connection without any answer.
DROP_CONNECTION = -1
HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "te", "trailer"}
)


@dataclass(frozen=True)
class Exchange:
    """One request and the upstream's answer, as a mutant sees and rewrites them."""

    method: str
    path: str
    request_headers: dict[str, str]
    request_body: bytes
    status: int = 0
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def json(self) -> Any:
        """The response body as JSON, or None."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def request_json(self) -> Any:
        """The request body as JSON, or None."""
        try:
            return json.loads(self.request_body)
        except ValueError:
            return None

    def with_json(self, value: Any) -> Exchange:
        """The exchange with `value` as its JSON response body."""
        return replace(self, body=json.dumps(value).encode())

    @property
    def is_item(self) -> bool:
        """Whether the request is about one experiment."""
        return urlsplit(self.path).path.rstrip("/").split("/")[-1] != "web_experiments"


@dataclass(frozen=True)
class Mutant:
    """One deliberate way of breaking the server, and what the suite must say about it."""

    name: str
    expected: str
    on_request: Callable[[Exchange], Exchange] = lambda exchange: exchange
    on_response: Callable[[Exchange], Exchange] = lambda exchange: exchange
    short_circuit: Callable[[Exchange], Exchange | None] = lambda exchange: None


def _handler(upstream: str, mutant: Mutant) -> type[BaseHTTPRequestHandler]:
    target = urlsplit(upstream)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            """Disable Nagle: headers and body go out in separate writes."""
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format: str, *args: Any) -> None:
            """Stay quiet."""

        def _proxy(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            exchange = Exchange(
                method=self.command,
                path=self.path,
                request_headers={k: v for k, v in self.headers.items()},
                request_body=self.rfile.read(length) if length else b"",
            )
            exchange = mutant.on_request(exchange)
            answered = mutant.short_circuit(exchange)
            if answered is None:
                answered = self._forward(exchange)
            answered = mutant.on_response(answered)
            if answered.status == DROP_CONNECTION:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self.send_response(answered.status)
            for name, value in answered.headers:
                if name.lower() not in HOP_BY_HOP:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(answered.body)))
            self.end_headers()
            self.wfile.write(answered.body)

        def _forward(self, exchange: Exchange) -> Exchange:
            connection = http.client.HTTPConnection(target.hostname or "", target.port, timeout=60)
            try:
                headers = {
                    k: v for k, v in exchange.request_headers.items() if k.lower() not in HOP_BY_HOP
                }
                headers["Host"] = self.headers.get("Host", "")
                connection.request(exchange.method, exchange.path, exchange.request_body, headers)
                response = connection.getresponse()
                body = response.read()
                return replace(
                    exchange, status=response.status, headers=response.getheaders(), body=body
                )
            finally:
                connection.close()

        def __getattr__(self, name: str) -> Any:
            """Forward every method, including ones like QUERY that http.server does not know."""
            if name.startswith("do_"):
                return self._proxy
            raise AttributeError(name)

    return Handler


@contextmanager
def mutating_proxy(upstream: str, mutant: Mutant) -> Iterator[str]:
    """Serve `mutant` in front of `upstream` on a free loopback port; yield its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(upstream, mutant))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# --- the mutants -------------------------------------------------------------------------------


def _experiments(exchange: Exchange, change: Callable[[dict[str, Any]], None]) -> Exchange:
    body = exchange.json()
    if not 200 <= exchange.status < 300 or not isinstance(body, dict):
        return exchange
    items = body.get("results") if "results" in body else [body]
    for item in items or []:
        if isinstance(item, dict):
            change(item)
    return exchange.with_json(body)


def _create_answers_200(exchange: Exchange) -> Exchange:
    if exchange.method == "POST" and exchange.status == 201:
        return replace(exchange, status=200)
    return exchange


def _drop_flag_key(exchange: Exchange) -> Exchange:
    return _experiments(exchange, lambda item: item.pop("feature_flag_key", None))


def _id_as_string(exchange: Exchange) -> Exchange:
    def change(item: dict[str, Any]) -> None:
        item["id"] = str(item.get("id"))

    return _experiments(exchange, change)


def _auth_not_enforced(exchange: Exchange) -> Exchange:
    headers = dict(exchange.request_headers)
    headers.pop("authorization", None)
    headers.pop("Authorization", None)
    headers["Authorization"] = AUTH_FOR_UNENFORCED
    return replace(exchange, request_headers=headers)


AUTH_FOR_UNENFORCED = "Bearer phx_contract_all_scopes"


def _server_error_on_multivariant(exchange: Exchange) -> Exchange | None:
    body = exchange.request_json()
    variants = body.get("variants") if isinstance(body, dict) else None
    if isinstance(variants, dict) and len(variants) > 1:
        return replace(
            exchange,
            status=500,
            headers=[("Content-Type", "application/json")],
            body=json.dumps(
                {
                    "type": "server_error",
                    "code": "error",
                    "detail": "A server error occurred.",
                    "attr": None,
                }
            ).encode(),
        )
    return None


def _wrong_next_link(exchange: Exchange) -> Exchange:
    body = exchange.json()
    if exchange.method != "GET" or exchange.status != 200 or not isinstance(body, dict):
        return exchange
    if isinstance(body.get("next"), str):
        parts = urlsplit(body["next"])
        query = dict(parse_qsl(parts.query))
        query["offset"] = str(int(query.get("offset", "0")) + 1)
        body["next"] = urlunsplit(parts._replace(query=urlencode(sorted(query.items()))))
    elif body.get("count", 0) > 0:
        body["next"] = "http://127.0.0.1:1/api/projects/1/web_experiments/?limit=1&offset=1"
    return exchange.with_json(body)


def _delete_does_not_delete(exchange: Exchange) -> Exchange | None:
    if exchange.method == "DELETE" and exchange.is_item:
        return replace(exchange, status=204, headers=[], body=b"")
    return None


def _broken_error_envelope(exchange: Exchange) -> Exchange:
    body = exchange.json()
    if 400 <= exchange.status < 500 and isinstance(body, dict) and "detail" in body:
        body["message"] = body.pop("detail")
        return exchange.with_json(body)
    return exchange


def _flag_key_changes(exchange: Exchange) -> Exchange:
    if exchange.method not in ("PUT", "PATCH"):
        return exchange

    def change(item: dict[str, Any]) -> None:
        item["feature_flag_key"] = f"renamed-{item.get('feature_flag_key')}"

    return _experiments(exchange, change)


def _variants_lose_transforms(exchange: Exchange) -> Exchange:
    def change(item: dict[str, Any]) -> None:
        for variant in (item.get("variants") or {}).values():
            if isinstance(variant, dict):
                variant.pop("transforms", None)

    return _experiments(exchange, change)


def _created_at_with_offset(exchange: Exchange) -> Exchange:
    def change(item: dict[str, Any]) -> None:
        if isinstance(item.get("created_at"), str):
            item["created_at"] = item["created_at"].replace("Z", "+00:00")

    return _experiments(exchange, change)


def _read_only_key_may_write(exchange: Exchange) -> Exchange:
    if exchange.request_headers.get("Authorization", "").endswith("phx_contract_read_only"):
        headers = dict(exchange.request_headers)
        headers["Authorization"] = AUTH_FOR_UNENFORCED
        return replace(exchange, request_headers=headers)
    return exchange


def _accepts_missing_control(exchange: Exchange) -> Exchange | None:
    body = exchange.request_json()
    if (
        exchange.method == "POST"
        and isinstance(body, dict)
        and isinstance(body.get("variants"), dict)
        and "control" not in body["variants"]
    ):
        fake = {
            "id": 999999,
            "name": str(body.get("name")),
            "created_at": "2025-01-15T10:30:00.123456Z",
            "feature_flag_key": "x-web-experiment-feature-0123456789",
            "variants": body["variants"],
        }
        return replace(
            exchange,
            status=201,
            headers=[("Content-Type", "application/json")],
            body=json.dumps(fake).encode(),
        )
    return None


MUTANTS: tuple[Mutant, ...] = (
    Mutant("wrong_status", "Undocumented status code", on_response=_create_answers_200),
    Mutant(
        "missing_field", '"feature_flag_key" is a required property', on_response=_drop_flag_key
    ),
    Mutant("mistyped_field", 'is not of type "integer"', on_response=_id_as_string),
    Mutant(
        "auth_not_enforced",
        "API accepts requests without authentication",
        on_request=_auth_not_enforced,
    ),
    Mutant("read_only_key_writes", "Scope not enforced", on_request=_read_only_key_may_write),
    Mutant("server_error", "Server error", short_circuit=_server_error_on_multivariant),
    Mutant("wrong_next_link", "Wrong `next` link", on_response=_wrong_next_link),
    Mutant(
        "delete_does_not_delete",
        "Deleted experiment not gone",
        short_circuit=_delete_does_not_delete,
    ),
    Mutant("broken_error_envelope", "Error envelope broken", on_response=_broken_error_envelope),
    Mutant("flag_key_changes", "Flag key changed", on_response=_flag_key_changes),
    Mutant(
        "variants_lose_transforms",
        "Variants do not round-trip",
        on_response=_variants_lose_transforms,
    ),
    Mutant("created_at_not_utc", "created_at not UTC with Z", on_response=_created_at_with_offset),
    Mutant(
        "accepts_invalid_body",
        "Schema-violating request accepted",
        short_circuit=_accepts_missing_control,
    ),
)
