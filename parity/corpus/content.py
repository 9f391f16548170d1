"""Content types, Accept, and headers a browser or proxy adds (reference §1, §7, §8)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from parity.corpus._helpers import (
    Area,
    P,
    broken_json,
    control_only,
    create,
    detail_path,
    get,
    std_body,
)
from parity.model import Step

AREA = "content_and_headers"
scenario = Area(AREA)
D = detail_path()
CONTROL_JSON = json.dumps(control_only())
BOUNDARY = "parityboundary7MA4YWxkTrZu0gW"


def multipart(fields: dict[str, str]) -> str:
    """Build a multipart/form-data body with text fields."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    return "".join(parts) + f"--{BOUNDARY}--\r\n"


def post_raw(data: str, content_type: str | None, rule: str, **kwargs: object) -> Step:
    """POST a raw body with a content type."""
    return Step("POST", P, data=data, content_type=content_type, rule=rule, **kwargs)  # type: ignore[arg-type]


SCENARIOS = (
    scenario(
        "content_form_urlencoded",
        "form-encoded bodies: variants as a JSON string",
        post_raw(
            urlencode({"name": "Form", "variants": CONTROL_JSON}),
            "application/x-www-form-urlencoded",
            "201",
            name="create",
        ),
        get(D),
        post_raw(
            urlencode({"name": "Form"}), "application/x-www-form-urlencoded", "variants missing"
        ),
        post_raw(
            urlencode({"name": "Form", "variants": "{not json"}),
            "application/x-www-form-urlencoded",
            "variants not JSON",
        ),
    ),
    scenario(
        "content_form_personal_api_key",
        "a form body may carry personal_api_key",
        post_raw(
            # Templates inside the body: built by hand so the braces stay unescaped.
            "personal_api_key={key.all}&"
            + urlencode({"name": "Form key", "variants": CONTROL_JSON}),
            "application/x-www-form-urlencoded",
            "201",
            key=None,
        ),  # Templates inside the body: built by hand so the braces stay unescaped.
        post_raw(
            "personal_api_key={key.unknown}&name=x",
            "application/x-www-form-urlencoded",
            "401 body",
            key=None,
        ),
        get(P, headers={"X-HTTP-Method-Override": "DELETE"}, rule="method overrides ignored"),
    ),
    scenario(
        "content_multipart",
        "multipart bodies",
        post_raw(
            multipart({"name": "Multipart", "variants": CONTROL_JSON}),
            f"multipart/form-data; boundary={BOUNDARY}",
            "201",
        ),
        post_raw(multipart({"name": "Multipart"}), "multipart/form-data", "no boundary"),
    ),
    scenario(
        "content_unsupported_types",
        "other content types: 415",
        post_raw(json.dumps(std_body()), "text/plain", "text/plain"),
        post_raw(json.dumps(std_body()), "application/xml", "xml"),
        post_raw(json.dumps(std_body()), "application/vnd.api+json", "vnd json"),
        post_raw("<a/>", "text/html; charset=utf-8", "html with charset"),
    ),
    scenario(
        "content_json_parameters",
        "application/json with parameters",
        post_raw(
            json.dumps(std_body("Charset")), "application/json; charset=utf-8", "charset utf-8"
        ),
        post_raw(json.dumps(std_body("Upper")), "APPLICATION/JSON", "upper case"),
    ),
    scenario(
        "content_type_missing",
        "a body without Content-Type",
        post_raw(json.dumps(std_body()), None, "no content type"),
    ),
    scenario(
        "content_empty_body_json",
        "an empty JSON body",
        post_raw("", "application/json", "empty body"),
        post_raw("", None, "empty, no type"),
    ),
    scenario(
        "content_patch_form",
        "PATCH with a form body",
        create(),
        Step(
            "PATCH",
            D,
            data=urlencode({"name": "Form patch", "variants": CONTROL_JSON}),
            content_type="application/x-www-form-urlencoded",
        ),
        Step("PATCH", D, data="name=x", content_type="text/plain"),
    ),
    scenario(
        "accept_headers",
        "Accept values",
        get(P, headers={"Accept": "application/json"}),
        get(P, headers={"Accept": "*/*"}),
        get(P, headers={"Accept": "text/html"}),
        get(P, headers={"Accept": "application/xml"}),
        get(
            P, headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
        ),
        get(P, headers={"Accept": "application/json; version=2"}),
    ),
    scenario(
        "accept_on_errors",
        "Accept on error answers",
        get(P, key=None, headers={"Accept": "application/xml"}),
        Step("POST", P, json={}, headers={"Accept": "text/html"}),
    ),
    scenario(
        "accept_format_query",
        "DRF's ?format= override: only json, case-sensitive, the last value counts",
        get(P + "?format=json"),
        get(P + "?format=api"),
        get(P + "?format=JSON"),
        get(P + "?format=xml&format=json"),
        get(P + "?format="),
        get(P + "?format=xml", key=None),
        get("/api/projects/{project.main}/web_experimentz/?format=xml"),
        get(P + "?format=json", headers={"Accept": "application/xml"}),
    ),
    scenario(
        "browser_headers",
        "headers a browser adds change nothing",
        get(
            P,
            headers={
                "Origin": "https://app.example.com",
                "Referer": "https://app.example.com/page",
                "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
                "Cookie": "sessionid=garbage; csrftoken=abc",
                "Accept-Language": "de-DE,de;q=0.9",
                "Sec-Fetch-Mode": "cors",
            },
        ),
        Step(
            "POST",
            P,
            json=std_body("Browser"),
            headers={"Origin": "https://app.example.com", "Cookie": "sessionid=garbage"},
        ),
    ),
    scenario(
        "browser_origin_checks",
        "a foreign Origin needs a temporary_token; the server's own origin passes",
        get(P, headers={"Origin": "https://app.example.com"}),
        get(P, key=None, headers={"Origin": "https://app.example.com"}),
        broken_json("POST", P, key=None, headers={"Origin": "https://app.example.com"}),
        get(P, headers={"Origin": "http://{server.netloc}"}),
        get(P, headers={"Origin": "null"}),
        get(P + "?temporary_token=abc", headers={"Origin": "https://app.example.com"}),
        get(P + "?temporary_token=abc"),
    ),
    scenario(
        "accept_before_everything",
        "content negotiation (406) comes first",
        get("/api/projects/{project.main}/web_experimentz/", headers={"Accept": "application/xml"}),
        get(P, headers={"Accept": "application/xml", "Origin": "https://app.example.com"}),
        broken_json("POST", P, key=None, headers={"Accept": "application/xml"}),
        get(P, headers={"Accept": "application/*"}),
        get(P, headers={"Accept": "text/*, application/json;q=0"}),
    ),
    scenario(
        "browser_preflight_without_origin",
        "a preflight without Origin",
        Step("OPTIONS", P, key=None, headers={"Access-Control-Request-Method": "GET"}),
    ),
    scenario(
        "proxy_forwarded_host",
        "X-Forwarded-Host and links",
        create(variants=control_only()),
        create("Two", step="two"),
        get(P + "?limit=1", headers={"X-Forwarded-Host": "proxy.example.com"}),
    ),
    scenario(
        "browser_preflight",
        "a CORS preflight without a key",
        Step(
            "OPTIONS",
            P,
            key=None,
            headers={
                "Origin": "https://app.example.com",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization,content-type",
            },
        ),
    ),
    scenario(
        "proxy_headers",
        "forwarded headers and links (no proxy trusted)",
        create(variants=control_only()),
        create("Two", step="two"),
        get(
            P + "?limit=1",
            headers={
                "X-Forwarded-For": "203.0.113.7",
                "X-Real-IP": "203.0.113.7",
                "Via": "1.1 proxy",
            },
        ),
        get(P + "?limit=1", headers={"X-Forwarded-Proto": "https"}),
        get(P + "?limit=1", headers={"Forwarded": "for=203.0.113.7;proto=https"}),
    ),
    scenario(
        "compression_headers",
        "Accept-Encoding gzip",
        get(P, headers={"Accept-Encoding": "gzip, deflate, br"}),
    ),
)
