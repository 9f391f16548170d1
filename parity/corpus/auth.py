"""Authentication: every way a key can be sent and refused (reference §9, §8)."""

from __future__ import annotations

from parity.corpus._helpers import Area, P, create, detail_path, get, post, std_body
from parity.model import Step

AREA = "auth"
scenario = Area(AREA)

SCENARIOS = (
    scenario("auth_no_credentials_list", "no key: 401 not_authenticated", get(P, key=None)),
    scenario(
        "auth_no_credentials_create",
        "no key on create: 401, nothing created",
        post(std_body(), key=None, rule="401"),
        get(P, rule="list stays empty"),
    ),
    scenario(
        "auth_no_credentials_detail",
        "no key on every detail method: 401",
        create(),
        get(detail_path(), key=None),
        Step("PATCH", detail_path(), key=None, json={"name": "x"}),
        Step("PUT", detail_path(), key=None, json=std_body()),
        Step("DELETE", detail_path(), key=None),
        get(detail_path(), rule="still there"),
    ),
    scenario(
        "auth_unknown_key_header", "unknown key in the header: 401 (header)", get(P, key="unknown")
    ),
    scenario(
        "auth_unknown_key_query",
        "unknown key in the query string: 401 (query)",
        get(P + "?personal_api_key={key.unknown}", key=None),
    ),
    scenario(
        "auth_unknown_key_body",
        "unknown key in the body: 401 (body)",
        post({**std_body(), "personal_api_key": "{key.unknown}"}, key=None, rule="401 body"),
    ),
    scenario(
        "auth_key_in_query",
        "a valid key in the query string authenticates",
        get(P + "?personal_api_key={key.all}", key=None),
    ),
    scenario(
        "auth_key_in_body",
        "a valid key in the JSON body authenticates",
        post(
            {**std_body("Key in body"), "personal_api_key": "{key.all}"},
            key=None,
            rule="201",
            name="create",
        ),
        get(detail_path(), rule="created"),
    ),
    scenario(
        "auth_header_beats_query",
        "the header is read before the query string",
        get(P + "?personal_api_key={key.all}", key="unknown"),
        get(P + "?personal_api_key={key.unknown}", key="all"),
    ),
    scenario(
        "auth_header_beats_body",
        "the header is read before the body",
        post({**std_body(), "personal_api_key": "{key.all}"}, key="unknown", rule="401 header"),
    ),
    scenario(
        "auth_bearer_lowercase",
        "`bearer` (lowercase) is not a bearer header",
        get(P, key=None, headers={"Authorization": "bearer {key.all}"}),
    ),
    scenario(
        "auth_bearer_without_key",
        "`Bearer` with nothing after it",
        get(P, key=None, headers={"Authorization": "Bearer"}),
        get(P, key=None, headers={"Authorization": "Bearer "}),
        get(P, key=None, headers={"Authorization": "Bearer x"}),
    ),
    scenario(
        "auth_bearer_extra_spaces",
        "spaces between `Bearer` and the key",
        get(P, key=None, headers={"Authorization": "Bearer    {key.all}"}),
        get(P, key=None, headers={"Authorization": "Bearer {key.all}  "}),
    ),
    scenario(
        "auth_other_schemes",
        "Token, Basic and a bare key are not bearer keys",
        get(P, key=None, headers={"Authorization": "Token {key.all}"}),
        get(P, key=None, headers={"Authorization": "Basic cGFyaXR5OnBhcml0eQ=="}),
        get(P, key=None, headers={"Authorization": "{key.all}"}),
    ),
    scenario(
        "auth_bad_header_falls_back_to_query",
        "a header that is not `Bearer <key>` leaves the query string key in charge",
        get(P + "?personal_api_key={key.all}", key=None, headers={"Authorization": "Token nope"}),
    ),
    scenario(
        "auth_project_key_in_header",
        "a project API key (phc_) is not a personal key",
        get(P, key=None, headers={"Authorization": "Bearer phc_not_a_personal_key_0000"}),
    ),
    scenario(
        "auth_malformed_body_without_key",
        "without a header the body is parsed first: a parse error beats the 401",
        Step("POST", P, key=None, data='{"name": ', content_type="application/json"),
    ),
    scenario(
        "auth_unsupported_media_without_key",
        "without a header an unsupported content type beats the 401",
        Step("POST", P, key=None, data="name=x", content_type="text/plain"),
    ),
    scenario(
        "auth_malformed_body_unknown_key",
        "with a header, an unknown key is refused before the body is read",
        Step("POST", P, key="unknown", data='{"name": ', content_type="application/json"),
    ),
)
