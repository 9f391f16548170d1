"""The request executor: renders a scenario's steps for a target, sends them, keeps exchanges."""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import requests

from live_road import cleanup as live_cleanup
from live_road.bodies import body_findings
from live_road.facts import DEPLOYMENT_HEADERS, Target
from live_road.journal import Journal
from live_road.policy import Policy, UnsafeRequestRefusedError
from live_road.restarts import RESTART_WAIT_SECONDS, closed_without_answer, refused, wait_until_up
from live_road.transport import GuardedTransport, open_session
from parity.model import NO_JSON, Context, Scenario, Step, TemplateError, placeholders
from parity.targets import ParityTarget

MAX_TEXT_BODY: Final = 2000
TIMEOUT_SECONDS: Final = 60.0
RESTART_WAITS: Final = 60
# What a server that closed the connection, or kept it open, without an answer is recorded as
# answering (a PostHog worker that aborts while rendering does either).
DROPPED_CONNECTION: Final[dict[str, Any]] = {
    "status": None,
    "headers": {},
    "body": None,
    "error": "no answer (connection closed or timed out)",
}


class Interruption:
    """A stop request (Ctrl-C, SIGTERM): honoured between requests, never in the middle of one.

    Stopping mid-request could leave an experiment the server created but the journal never saw;
    so the first signal only asks, and the run stops (and cleans up) before its next request.
    """

    def __init__(self) -> None:
        """Start with no stop requested."""
        self.requested = False

    def request(self) -> None:
        """Ask the run to stop; a second request stops it at once."""
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def check(self) -> None:
        """Raise KeyboardInterrupt if a stop was requested."""
        if self.requested:
            raise KeyboardInterrupt


INTERRUPTION: Final = Interruption()


@dataclass
class Exchange:
    """One step as sent (in template form, so it is the same on every target) and answered."""

    request: dict[str, Any]
    response: dict[str, Any]
    rule: str = ""

    def as_json(self) -> dict[str, Any]:
        """Return the exchange as a JSON object."""
        return {"rule": self.rule, "request": self.request, "response": self.response}


@dataclass
class ScenarioRun:
    """What running one scenario on one target gave."""

    scenario: Scenario
    exchanges: list[Exchange] = field(default_factory=list)
    not_run: str | None = None
    error: str | None = None


def missing_roles(scenario: Scenario, target: ParityTarget) -> list[str]:
    """List roles (keys, projects, servers) the scenario uses that the target does not configure."""
    keys, projects = target.all_keys(), target.all_projects()
    missing: set[str] = set()
    if target.base_for(scenario.server) is None:
        missing.add(f"server.{scenario.server}")
    for step in scenario.steps:
        if step.key is not None and step.key not in keys:
            missing.add(f"key.{step.key}")
        texts = [step.path, *step.headers.values()]
        if isinstance(step.data, str):
            texts.append(step.data)
        if step.json is not NO_JSON:
            texts.append(json.dumps(step.json))
        for text in texts:
            for name, attribute in placeholders(text):
                if name == "key" and attribute not in keys:
                    missing.add(f"key.{attribute}")
                if name == "project" and attribute not in projects:
                    missing.add(f"project.{attribute}")
    return sorted(missing)


def summarise_response(response: requests.Response) -> dict[str, Any]:
    """Keep the status, every header but the deployment's and the body (JSON, else text)."""
    headers = {
        name.lower(): value
        for name, value in sorted(response.headers.items(), key=lambda item: item[0].lower())
        if name.lower() not in DEPLOYMENT_HEADERS
    }
    body: Any = None
    if response.content:
        try:
            body = json.loads(response.content)
        except ValueError:
            text = response.content.decode("utf-8", errors="replace")
            body = {"$text": text if len(text) <= MAX_TEXT_BODY else text[:MAX_TEXT_BODY] + "…"}
    return {"status": response.status_code, "headers": headers, "body": body}


def describe_request(step: Step) -> dict[str, Any]:
    """Describe the request in template form: the same on every target, so stable."""
    described: dict[str, Any] = {"method": step.method, "path": step.path, "key": step.key}
    if step.headers:
        described["headers"] = dict(step.headers)
    if step.json is not NO_JSON:
        described["json"] = step.json
    if step.data is not None:
        described["data"] = step.data if isinstance(step.data, str) else {"$bytes": len(step.data)}
    if step.content_type is not None:
        described["content_type"] = step.content_type
    if step.repeat > 1:
        described["repeat"] = step.repeat
    return described


class Executor:
    """Sends scenarios to one target through one `requests` session per server."""

    def __init__(
        self,
        target: ParityTarget,
        sessions: Mapping[str, requests.Session],
        *,
        after_scenario: Callable[[], object] | None = None,
        sends_read_breaking: bool = True,
    ) -> None:
        """Use `sessions` (`default` and optionally `throttled`) to talk to `target`.

        `sends_read_breaking` False: scenarios that store values PostHog cannot read back
        (posthog_mock/hazards.py) are not run.
        """
        self.target = target
        self.sessions = sessions
        self.after_scenario = after_scenario
        self.sends_read_breaking = sends_read_breaking
        self.requests_sent = 0
        # The live road's transport of the default session (None: plain sessions, a mock).
        self.transport: GuardedTransport | None = None
        # A server that dropped a connection (its worker aborted) may be restarting.
        self._dropped = False

    def run(self, scenario: Scenario) -> ScenarioRun:
        """Run every step of a scenario; a refused or failed request ends it with `error`."""
        run = ScenarioRun(scenario)
        self._dropped = False
        missing = missing_roles(scenario, self.target)
        if missing:
            run.not_run = "not configured: " + ", ".join(missing)
            return run
        if not self.sends_read_breaking and any(
            step.json is not NO_JSON and body_findings(step.json) for step in scenario.steps
        ):
            run.not_run = (
                "stores values that break reads (posthog_mock/hazards.py): only with"
                " --own-server, on a server you own"
            )
            return run
        for url in self.target.reset_urls:
            requests.post(url, timeout=TIMEOUT_SECONDS).raise_for_status()
        base = self.target.base_for(scenario.server) or ""
        context = Context(
            self.target.all_projects(),
            self.target.all_keys(),
            server={"netloc": urlsplit(base).netloc},
        )
        try:
            for index, step in enumerate(scenario.steps):
                exchange = self._send(scenario, step, context)
                run.exchanges.append(exchange)
                body = exchange.response.get("body")
                context.results[step.name or f"step{index}"] = body
        except (UnsafeRequestRefusedError, TemplateError, requests.RequestException) as exc:
            run.error = f"{type(exc).__name__}: {exc}"
        finally:
            if self.after_scenario is not None:
                self.after_scenario()
        return run

    def _request(
        self,
        session: requests.Session,
        method: str,
        url: str,
        headers: dict[str, str],
        body: bytes | None,
    ) -> requests.Response:
        """Send once; after a dropped connection, wait for a restarting server to answer."""
        for _ in range(RESTART_WAITS):
            try:
                return session.request(
                    method, url, headers=headers, data=body, timeout=TIMEOUT_SECONDS
                )
            except requests.ConnectionError as error:
                if not (self._dropped and refused(error)):
                    raise
                time.sleep(RESTART_WAIT_SECONDS)
        return session.request(method, url, headers=headers, data=body, timeout=TIMEOUT_SECONDS)

    def _send(self, scenario: Scenario, step: Step, context: Context) -> Exchange:
        base = self.target.base_for(scenario.server)
        assert base is not None
        session = self.sessions[scenario.server]
        url = base + context.render(step.path)
        headers = {name: context.render(value) for name, value in step.headers.items()}
        if step.key is not None:
            headers.setdefault("Authorization", f"Bearer {context.lookup('key', step.key)}")
        body: bytes | None = None
        if step.json is not NO_JSON:
            body = json.dumps(context.render_json(step.json)).encode()
            headers.setdefault("Content-Type", "application/json")
        elif step.data is not None:
            body = (
                context.render(step.data).encode("utf-8")
                if isinstance(step.data, str)
                else step.data
            )
        if step.content_type is not None:
            headers["Content-Type"] = step.content_type
        if step.method == "HEAD":
            # A WSGI server alone (no proxy in front) may send the body anyway: never reuse it.
            headers.setdefault("Connection", "close")

        def send(_: int = 0) -> requests.Response | None:
            INTERRUPTION.check()
            try:
                return self._request(session, step.method, url, headers, body)
            except (requests.ConnectionError, requests.Timeout) as error:
                if not closed_without_answer(error):
                    raise
                return None

        # One after another: PostHog's throttle (DRF's) reads and writes its history without a
        # lock, so requests sent in parallel lose counts and a burst never reaches the limit.
        responses = [send() for _ in range(step.repeat)]
        self.requests_sent += len(responses)
        response = responses[-1]
        if response is None:
            self._dropped = True
            wait_until_up(url)
            return Exchange(describe_request(step), dict(DROPPED_CONNECTION), step.rule)
        statuses = dict(Counter(str(r.status_code) if r else "no answer" for r in responses))
        summary = summarise_response(response)
        if step.repeat > 1:
            summary = {"statuses": statuses, "last": summary}
        return Exchange(describe_request(step), summary, step.rule or scenario.rule)


@contextmanager
def live_executor(
    target: ParityTarget,
    journal_path: Path,
    *,
    max_creates: int,
    requests_per_minute: int | None,
    own_server: bool = False,
    tool: str = "parity",
) -> Iterator[Executor]:
    """Yield an executor whose requests go through the live road (`live_road`).

    The journal at `journal_path` (shared by every live tool) is resumed first: whatever an
    earlier run of any tool left is deleted; then the run journals its own. Live-guarded:
    writes only what the run created, accepted writes read back (deleted at once when that
    fails), values known to break reads refused. `own_server` (never PostHog Cloud): every
    request of the corpus is sent, the read-breaking scenarios deleting what they stored.
    After each scenario its experiments are deleted; at the end their flags are soft-deleted
    (with `feature_flag:write`) or named.
    """
    rpm = requests_per_minute
    policy = (
        Policy.own_server(target.base_url, max_creates=max_creates, requests_per_minute=rpm)
        if own_server
        else Policy.live_guarded(max_creates=max_creates, requests_per_minute=rpm)
    )
    guard_target = Target(target.base_url, target.projects["main"])
    api_key = target.keys["all"]
    projects = [target.projects[role] for role in ("main", "other") if role in target.projects]
    lines, session, transport = live_cleanup.start(
        journal_path, guard_target, api_key, policy, tool=tool, projects=projects
    )
    for line in lines:
        print(f"{tool}: {line}", file=sys.stderr)
    sessions: dict[str, requests.Session] = {"default": session}
    if target.throttled_base_url is not None:
        sessions["throttled"], _ = open_session(
            Target(target.throttled_base_url, target.projects["main"]),
            Journal(journal_path.with_name(journal_path.stem + "-throttled.json")),
            Policy.read_only(),
        )

    def cleanup(*, flags: bool = False) -> None:
        failed = live_cleanup.delete_leftovers(transport, api_key, projects, flags=flags)
        if failed:
            raise RuntimeError(f"could not delete experiments this run created: {failed}")

    executor = Executor(target, sessions, after_scenario=cleanup, sends_read_breaking=own_server)
    executor.transport = transport
    try:
        yield executor
    finally:
        # Ctrl-C or a crash between scenarios: delete whatever is still alive, then the flags.
        cleanup(flags=True)
        report(transport)


def report(transport: GuardedTransport) -> None:
    """Print the PostHog defects the read-backs found and what became of the run's flags."""
    journal = transport.journal
    journal.save()
    for brk in journal.read_breaks:
        print(
            f"PostHog defect, stored value breaks reads: {brk.write} ({brk.write_status}),"
            f" then {brk.read}; deleted: {brk.deleted}; body: {brk.smallest_body}",
            file=sys.stderr,
        )
    for line in live_cleanup.flag_lines(journal, state_file=journal.path):
        print(line, file=sys.stderr)


@contextmanager
def plain_executor(target: ParityTarget) -> Iterator[Executor]:
    """Yield an executor with plain sessions, for a mock reset before every scenario."""
    with requests.Session() as default, requests.Session() as throttled:
        yield Executor(target, {"default": default, "throttled": throttled})
