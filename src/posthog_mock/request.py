"""The request as handlers see it: headers, query, absolute URLs and the lazily parsed body."""

from __future__ import annotations

import codecs
import email.parser
import email.policy
import io
import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Final
from urllib.parse import parse_qsl, quote

from starlette.datastructures import Headers, QueryParams

from posthog_mock.errors import bad_request_page, parse_error, unsupported_media_type
from posthog_mock.validation import RequestBody

_PATH_SAFE: Final = "/:@&+$,-_.!~*'()"
_QUERY_SAFE: Final = "/#%[]=:;$&()+,!?*@'~"
# Django's `host_validation_re` (django/http/request.py).
_HOST: Final = re.compile(r"^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9\.:]+\])(:[0-9]+)?$")
# gunicorn's default `secure_scheme_headers` (the last one sent decides when several agree).
_SECURE_SCHEME_HEADERS: Final = (
    ("x-forwarded-protocol", "ssl"),
    ("x-forwarded-proto", "https"),
    ("x-forwarded-ssl", "on"),
)
_FORM_TYPES: Final = ("application/x-www-form-urlencoded", "multipart/form-data")


@dataclass
class MockRequest:
    """One HTTP request with its whole body already read."""

    method: str
    path: str
    query_string: bytes
    headers: Headers
    body: bytes
    scheme: str
    server: tuple[str, int | None] | None = None
    trust_forwarded_host: bool = True
    # Whether PostHog would have read the session by now: its writes do once a body has passed
    # validation (saving it reads the user), and Django then answers `Vary: Cookie`.
    session_accessed: bool = False
    _parsed: RequestBody | None = field(default=None, repr=False)

    @cached_property
    def query_params(self) -> QueryParams:
        """Query parameters; a repeated name yields its last value, as in Django."""
        return QueryParams(self.query_string)

    @cached_property
    def site_url(self) -> str:
        """The server's own URL (PostHog's SITE_URL): its scheme and listening address only."""
        if self.server is None:
            return self.base_url
        address, port = self.server
        host = f"[{address}]" if ":" in address else address
        return f"{self.scheme}://{host}" if port is None else f"{self.scheme}://{host}:{port}"

    @cached_property
    def base_url(self) -> str:
        """Scheme and host as Django sees them (X-Forwarded-Proto; -Host only behind a proxy)."""
        scheme = self.scheme
        forwarded_proto = self.headers.get("x-forwarded-proto")
        if self.trust_forwarded_host:
            # Behind a proxy (`IS_BEHIND_PROXY`): Django's `SECURE_PROXY_SSL_HEADER`, the
            # first value of a list.
            if forwarded_proto is not None:
                first = forwarded_proto.split(",", 1)[0].strip()
                scheme = "https" if first == "https" else "http"
        else:
            # The recorded deployment: gunicorn sets the scheme from its secure scheme headers
            # (trusted from 127.0.0.1), each value compared whole (`https, http` is http).
            for name, secure in _SECURE_SCHEME_HEADERS:
                value = self.headers.get(name)
                if value is not None:
                    scheme = "https" if value.strip() == secure else "http"
        host = self.headers.get("x-forwarded-host") if self.trust_forwarded_host else None
        if host is not None:
            host = host.split(",", 1)[0].strip()
        if not host:
            host = self.headers.get("host")
        if not host and self.server is not None:
            address, port = self.server
            host = address if port is None else f"{address}:{port}"
        return f"{scheme}://{host or 'localhost'}"

    @cached_property
    def host_is_valid(self) -> bool:
        """Whether Django's `get_host` accepts the host (else `DisallowedHost`, a 400 page).

        PostHog allows every host (`ALLOWED_HOSTS = ["*"]`), so only the form is checked:
        Django's `host_validation_re` on the lower-cased host; a repeated `Host` (joined
        `a,b`), a space, an underscore or a second `:port` fail. No `Host` at all is fine.
        """
        host = self.headers.get("x-forwarded-host") if self.trust_forwarded_host else None
        if host is not None:
            host = host.split(",", 1)[0].strip()
        if host is None:
            host = self.headers.get("host")
        if host is None:
            return True
        return _HOST.match(host.lower()) is not None

    def absolute_url(self) -> str:
        """Build the absolute URL, escaped the way Django's `build_absolute_uri` does."""
        url = self.base_url + quote(self.path, safe=_PATH_SAFE)
        if self.query_string:
            raw = self.query_string.decode("latin-1")
            url += "?" + quote(raw, safe=_QUERY_SAFE, encoding="latin-1")
        return url

    def parsed_body(self) -> RequestBody:
        """Parse the body by content type (JSON, form or multipart), as DRF's parsers do."""
        if self._parsed is None:
            self._parsed = parse_body(self.headers.get("content-type"), self.body)
        return self._parsed


class BodyTooDeep(Exception):
    """JSON nested deeper than Python's parser recurses: PostHog's 500."""

    detail: Final = "JSON parse error - Maximum nesting depth exceeded"


def parse_body(content_type: str | None, body: bytes) -> RequestBody:
    """Decode a request body; raise 400 `parse_error` or 415 like DRF."""
    media_type, params = _split_media_type(content_type or "")
    if not body:
        return RequestBody({}, is_form=media_type in _FORM_TYPES)
    is_json = _matches(media_type, "application/json")
    if content_type is None or (not is_json and media_type not in _FORM_TYPES):
        raise unsupported_media_type(content_type or "")
    encoding = _encoding(params)
    if is_json:
        return RequestBody(_parse_json(body, encoding))
    if media_type == "application/x-www-form-urlencoded":
        text = body.decode(encoding, errors="replace")
        return RequestBody(dict(parse_qsl(text, keep_blank_values=True)), is_form=True)
    return RequestBody(_parse_multipart(content_type, body, encoding), is_form=True)


def _split_media_type(content_type: str) -> tuple[str, dict[str, str]]:
    main, _, rest = content_type.partition(";")
    params: dict[str, str] = {}
    for part in rest.split(";"):
        name, sep, value = part.partition("=")
        if sep:
            params[name.strip().lower()] = value.strip().strip('"')
    return main.strip().lower(), params


def _matches(media_type: str, parser_type: str) -> bool:
    main, _, sub = media_type.partition("/")
    parser_main, _, parser_sub = parser_type.partition("/")
    return main in ("*", parser_main) and sub in ("*", parser_sub)


def _encoding(params: dict[str, str]) -> str:
    charset = params.get("charset")
    if charset:
        try:
            return codecs.lookup(charset).name
        except LookupError:
            pass
    return "utf-8"


def _parse_json(body: bytes, encoding: str) -> Any:
    try:
        # Like Python's json (and so DRF): NaN, Infinity and 1e400 parse as floats; the
        # variants field refuses them later ("Value must be valid JSON.").
        # DRF reads through a codecs stream reader: its errors are the reader's (a UTF-16
        # body without BOM is "UTF-16 stream does not start with BOM").
        text = codecs.getreader(encoding)(io.BytesIO(body)).read()
        if _deeper_than(text, DEFAULT_RECURSION_LIMIT):
            raise RecursionError
        return json.loads(text)
    except ValueError as exc:
        raise parse_error(f"JSON parse error - {exc}") from None
    except RecursionError:
        # PostHog answers 500 for JSON nested deeper than Python's recursion limit.
        raise BodyTooDeep() from None


# Python's default recursion limit, PostHog's: no JSON nested deeper parses there. The mock's
# own parser recurses under whatever limit its host process set (a test runner may raise it).
DEFAULT_RECURSION_LIMIT: Final = 1000
_JSON_STRING: Final = re.compile(r'"(?:\\.|[^"\\])*"')


def _deeper_than(text: str, limit: int) -> bool:
    """Whether JSON text nests arrays and objects deeper than `limit` (strings skipped)."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = deepest = 0
    for char in _JSON_STRING.sub("", text):
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest > limit


def _parse_multipart(content_type: str, body: bytes, encoding: str) -> dict[str, Any]:
    _, params = _split_media_type(content_type)
    if not params.get("boundary"):
        # Django refuses it before DRF runs: its HTML "Bad Request (400)" page, no envelope.
        raise bad_request_page()
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", "replace")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart() or message.defects:
        raise parse_error("Multipart form parse error - Invalid multipart body")
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or part.get_filename() is not None:
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            fields[name] = payload.decode(encoding, errors="replace")
    return fields
