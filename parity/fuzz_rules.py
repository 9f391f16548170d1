"""Overrides for generated traffic: known, deliberate differences the lockstep diff explains.

Each rule looks at one request and both normalised exchanges and returns the `Override`s that
explain a difference, each with its reason; the general rules of `parity.overrides` apply too.
They are the rules the corpus' snapshots carry step by step, stated for any request.
"""

from __future__ import annotations

import json
import math
from typing import Any, Final

from contract_tests.reference import unsafe_content
from parity.corpus._helpers import REASON_500, REASON_NEWER_CHECK
from parity.corpus.content import MULTIPART_ENVELOPE, REASON_HTML_400
from parity.lockstep import OverrideRule, RawRequest, route_of
from parity.model import Override

COLLECTION_ALLOW: Final = "GET, POST, HEAD, OPTIONS"
DETAIL_ALLOW: Final = "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"
REJECTION_TYPES: Final = frozenset({"validation_error", "invalid_request"})
OLD_SPLIT_DETAIL: Final = (
    "Invalid variant definitions: Variant rollout percentages must sum to 100."
)
NOT_AN_OBJECT: Final = "should be a dictionary"
REASON_TRANSFORM_OBJECT: Final = (
    "§11 newer than the oracle: current PostHog answers 400 to a transform that is not an "
    "object, control's included (its script-injection check reads every transform); the "
    "recorded server never looked at control's transforms and answered 201"
)


def _header(request: RawRequest, name: str) -> str | None:
    return next((v for k, v in request.headers if k.lower() == name), None)


def _is_rejection(response: dict[str, Any]) -> bool:
    """Tell a 400 with PostHog's error envelope: what the mock answers where PostHog fails."""
    body = response.get("body")
    return (
        response.get("status") == 400
        and isinstance(body, dict)
        and list(body) == ["type", "code", "detail", "attr"]
        and body["type"] in REJECTION_TYPES
    )


def posthog_server_error(
    _request: RawRequest, reference: dict[str, Any], other: dict[str, Any]
) -> list[Override]:
    """Explain a reference 5xx (a PostHog defect) answered by the other with a 400 envelope."""
    status = reference["response"]["status"]
    if not isinstance(status, int) or status < 500 or not _is_rejection(other["response"]):
        return []
    return [Override("response", other["response"], REASON_500)]


def _newer_rejection(document: Any) -> str | None:
    """Return the detail fragment current PostHog's newer checks (§11) give a body, or None.

    In the mock's order: every transform must be an object and safe (the script-injection
    check reads control's transforms too), then each percentage must be a finite number
    within 0..100.
    """
    variants = document.get("variants") if isinstance(document, dict) else None
    if not isinstance(variants, dict):
        return None
    for variant in variants.values():
        transforms = variant.get("transforms") if isinstance(variant, dict) else None
        for transform in transforms if isinstance(transforms, list) else []:
            if not isinstance(transform, dict):
                return NOT_AN_OBJECT
            for field in ("text", "html"):
                value = transform.get(field)
                found = unsafe_content(value) if isinstance(value, str) else None
                if found is not None:
                    return found
    for variant in variants.values():
        percentage = variant.get("rollout_percentage") if isinstance(variant, dict) else None
        if percentage is None:
            continue
        if isinstance(percentage, bool) or not isinstance(percentage, int | float):
            return "must be a number"
        if not math.isfinite(percentage):
            return "must be finite"
        if not 0 <= percentage <= 100:
            return "must be between 0 and 100"
    return None


def newer_checks(
    request: RawRequest, reference: dict[str, Any], other: dict[str, Any]
) -> list[Override]:
    """Explain a body the old server accepted, or failed only on the sum, rejected by §11 checks."""
    response = reference["response"]
    body = response["body"]
    accepted = response["status"] in (200, 201)
    summed = (
        response["status"] == 400
        and isinstance(body, dict)
        and body.get("detail") == (OLD_SPLIT_DETAIL)
    )
    if not (accepted or summed) or not _is_rejection(other["response"]):
        return []
    try:
        document = json.loads(request.body)
    except ValueError:
        return []
    expected = _newer_rejection(document)
    if expected is None or expected not in str(other["response"]["body"]["detail"]):
        return []
    reason = REASON_TRANSFORM_OBJECT if expected == NOT_AN_OBJECT else REASON_NEWER_CHECK
    return [Override("response", other["response"], reason)]


def multipart_without_boundary(
    request: RawRequest, reference: dict[str, Any], _other: dict[str, Any]
) -> list[Override]:
    """Django's HTML 400 page for multipart without a boundary; the mock's JSON envelope."""
    content_type = (_header(request, "content-type") or "").lower()
    body = reference["response"]["body"]
    if (
        not content_type.startswith("multipart/form-data")
        or "boundary=" in content_type
        or reference["response"]["status"] != 400
        or not (isinstance(body, dict) and "$text" in body)
    ):
        return []
    allow = DETAIL_ALLOW if "{id}" in route_of(request) else COLLECTION_ALLOW
    return [
        Override("response.headers.content-type", "application/json", REASON_HTML_400),
        Override("response.headers.allow", allow, REASON_HTML_400),
        Override("response.body", MULTIPART_ENVELOPE, REASON_HTML_400),
    ]


FUZZ_RULES: Final[tuple[OverrideRule, ...]] = (
    posthog_server_error,
    newer_checks,
    multipart_without_boundary,
)
