"""Faults and latency on demand: which requests misbehave (method, route, trigger) and how.

A fault is a rule: a `kind` (what happens), a `method` and `route` (which requests it applies to)
and a trigger (`times`: the next N of them; `every`: every Nth; `probability`: at random under the
rule's `seed`). Rules are checked in the order they were added; the first that fires decides the
request, and each rule counts only the requests that reach it. Only paths under `/api/` are
faulted, never `/_mock/`.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

KINDS: Final = ("status", "throttle", "delay", "slow_body", "reset", "empty", "truncate", "hang")
ROUTES: Final = ("any", "list", "detail")
FAULT_STATUSES: Final = (500, 502, 503, 504)
METHODS: Final = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
# The longest a hang waits for the client to give up before closing the connection itself.
DEFAULT_HANG_SECONDS: Final = 300.0
_LIST_PATH: Final = re.compile(r"/api/projects/[^/]+/web_experiments(?:\.[a-z0-9]+)?/?")
_DETAIL_PATH: Final = re.compile(r"/api/projects/[^/]+/web_experiments/[^/]+/?")
_FIELDS: Final = frozenset(
    {
        "kind",
        "method",
        "route",
        "status",
        "retry_after",
        "seconds",
        "max_seconds",
        "bytes_per_second",
        "truncate_at",
        "handled",
        "times",
        "every",
        "probability",
        "seed",
    }
)
# Which options each kind takes besides the common ones (method, route, triggers, seed).
_KIND_FIELDS: Final = {
    "status": {"status", "handled"},
    "throttle": {"retry_after"},
    "delay": {"seconds", "max_seconds"},
    "slow_body": {"bytes_per_second"},
    "reset": {"handled"},
    "empty": {"handled"},
    "truncate": {"truncate_at"},
    "hang": {"seconds", "handled"},
}
_COMMON_FIELDS: Final = {"kind", "method", "route", "times", "every", "probability", "seed"}


class FaultSpecError(ValueError):
    """A fault description is invalid; `field` names the offending field."""

    def __init__(self, field_name: str, message: str) -> None:
        """Keep the field name and build the message `<field>: <message>`."""
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.reason = message


@dataclass(frozen=True)
class FaultSpec:
    """A validated fault description: what happens, to which requests, when."""

    kind: str
    method: str | None = None
    route: str = "any"
    status: int = 503
    retry_after: int = 1
    seconds: float | None = None
    max_seconds: float | None = None
    bytes_per_second: int = 1024
    truncate_at: int | None = None
    handled: bool = False
    times: int | None = None
    every: int | None = None
    probability: float | None = None
    seed: int = 0

    def to_json(self) -> dict[str, Any]:
        """Render the options that apply to this kind, as `/_mock/faults` shows them."""
        names = ("kind", "method", "route", *sorted(_KIND_FIELDS[self.kind]))
        shown: dict[str, Any] = {name: getattr(self, name) for name in names}
        shown.update(times=self.times, every=self.every, probability=self.probability)
        shown["seed"] = self.seed
        return shown


@dataclass
class Fault:
    """An active rule: its spec, its id and what it has seen so far."""

    id: int
    spec: FaultSpec
    matched: int = 0
    fired: int = 0
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        """Seed the rule's own generator, so other rules never shift its draws."""
        self._rng = random.Random(self.spec.seed)  # noqa: S311 - reproducible, not secret

    def applies_to(self, method: str, path: str) -> bool:
        """Whether the request is one this rule is about (method and route)."""
        spec = self.spec
        if spec.method is not None and spec.method != method:
            return False
        if spec.route == "list":
            return _LIST_PATH.fullmatch(path) is not None
        if spec.route == "detail":
            return _DETAIL_PATH.fullmatch(path) is not None
        return True

    @property
    def exhausted(self) -> bool:
        """Whether a `times` rule has fired as often as it may."""
        return self.spec.times is not None and self.fired >= self.spec.times

    def fires(self) -> bool:
        """Count one matching request and decide whether the fault happens to it."""
        if self.exhausted:
            return False
        self.matched += 1
        spec = self.spec
        if spec.every is not None:
            fire = self.matched % spec.every == 0
        elif spec.probability is not None:
            fire = self._rng.random() < spec.probability
        else:
            fire = True
        if fire:
            self.fired += 1
        return fire

    def delay(self) -> float:
        """Seconds to wait: fixed, or uniform in [seconds, max_seconds] under the seed."""
        low = self.spec.seconds or 0.0
        high = self.spec.max_seconds
        return low if high is None else self._rng.uniform(low, high)

    def to_json(self) -> dict[str, Any]:
        """Render the rule as `/_mock/faults` lists it, with its counters."""
        remaining = None if self.spec.times is None else self.spec.times - self.fired
        return {
            "id": self.id,
            **self.spec.to_json(),
            "matched": self.matched,
            "fired": self.fired,
            "remaining": remaining,
        }


class FaultSet:
    """The active rules of one server; empty by default, so no request pays for them."""

    def __init__(self, specs: tuple[FaultSpec, ...] = ()) -> None:
        """Start with the configured rules."""
        # Read directly on the request path: an empty list is the whole cost of no faults.
        self.rules: list[Fault] = []
        self._next_id = 1
        for spec in specs:
            self.add(spec)

    def add(self, spec: FaultSpec) -> Fault:
        """Install a rule after the existing ones."""
        fault = Fault(self._next_id, spec)
        self._next_id += 1
        self.rules.append(fault)
        return fault

    def remove(self, fault_id: int) -> bool:
        """Remove one rule by id; False when there is none with that id."""
        before = len(self.rules)
        self.rules = [fault for fault in self.rules if fault.id != fault_id]
        return len(self.rules) < before

    def clear(self) -> None:
        """Remove every rule (ids keep counting up)."""
        self.rules = []

    def list(self) -> list[Fault]:
        """Return the rules in the order they are checked."""
        return list(self.rules)

    def pick(self, method: str, path: str) -> Fault | None:
        """Return the first rule that fires for this request (only `/api/` is ever faulted)."""
        if not path.startswith("/api/"):
            return None
        for fault in self.rules:
            if fault.applies_to(method, path) and fault.fires():
                return fault
        return None


def parse_fault(data: Any) -> FaultSpec:
    """Validate one fault description (JSON object or TOML table); errors name the field."""
    if not isinstance(data, Mapping):
        raise FaultSpecError("fault", "must be an object")
    unknown = sorted(set(data) - _FIELDS)
    if unknown:
        raise FaultSpecError(unknown[0], f"unknown field (fields: {', '.join(sorted(_FIELDS))})")
    kind = data.get("kind")
    if kind not in KINDS:
        raise FaultSpecError("kind", f"must be one of {', '.join(KINDS)}, got {kind!r}")
    misplaced = sorted(set(data) - _COMMON_FIELDS - _KIND_FIELDS[kind])
    if misplaced:
        raise FaultSpecError(misplaced[0], f"does not apply to kind {kind!r}")
    options: dict[str, Any] = {"kind": kind}
    _parse_target(data, options)
    _parse_options(data, options)
    _parse_trigger(data, options)
    return FaultSpec(**options)


def _parse_target(data: Mapping[str, Any], options: dict[str, Any]) -> None:
    method = data.get("method")
    if method is not None:
        if not isinstance(method, str) or method.upper() not in METHODS:
            raise FaultSpecError("method", f"must be one of {', '.join(METHODS)} or null")
        options["method"] = method.upper()
    route = data.get("route", "any")
    if route not in ROUTES:
        raise FaultSpecError("route", f"must be one of {', '.join(ROUTES)}, got {route!r}")
    options["route"] = route


def _parse_options(data: Mapping[str, Any], options: dict[str, Any]) -> None:
    if "status" in data:
        status = _integer(data, "status", minimum=None)
        if status not in FAULT_STATUSES:
            raise FaultSpecError("status", f"must be one of {', '.join(map(str, FAULT_STATUSES))}")
        options["status"] = status
    if "retry_after" in data:
        options["retry_after"] = _integer(data, "retry_after", minimum=0)
    for name in ("seconds", "max_seconds"):
        if name in data:
            options[name] = _number(data, name)
    if options["kind"] == "delay" and "seconds" not in options:
        raise FaultSpecError("seconds", "is required for kind 'delay'")
    if options.get("max_seconds") is not None and options["max_seconds"] < options["seconds"]:
        raise FaultSpecError("max_seconds", "must be at least seconds")
    if "bytes_per_second" in data:
        options["bytes_per_second"] = _integer(data, "bytes_per_second", minimum=1)
    if "truncate_at" in data:
        options["truncate_at"] = _integer(data, "truncate_at", minimum=0)
    if "handled" in data:
        if not isinstance(data["handled"], bool):
            raise FaultSpecError("handled", "must be true or false")
        options["handled"] = data["handled"]


def _parse_trigger(data: Mapping[str, Any], options: dict[str, Any]) -> None:
    for name in ("times", "every"):
        if data.get(name) is not None:
            options[name] = _integer(data, name, minimum=1)
    if data.get("probability") is not None:
        probability = _number(data, "probability")
        if probability > 1:
            raise FaultSpecError("probability", "must be between 0 and 1")
        options["probability"] = probability
    if "every" in options and "probability" in options:
        raise FaultSpecError("probability", "cannot be combined with every")
    if "seed" in data:
        options["seed"] = _integer(data, "seed", minimum=None)


def _integer(data: Mapping[str, Any], name: str, *, minimum: int | None) -> int:
    value = data[name]
    if isinstance(value, bool) or not isinstance(value, int):
        raise FaultSpecError(name, f"must be an integer, got {value!r}")
    if minimum is not None and value < minimum:
        raise FaultSpecError(name, f"must be at least {minimum}, got {value}")
    return value


def _number(data: Mapping[str, Any], name: str) -> float:
    value = data[name]
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise FaultSpecError(name, f"must be a number, got {value!r}")
    if value < 0:
        raise FaultSpecError(name, f"must not be negative, got {value}")
    return float(value)
