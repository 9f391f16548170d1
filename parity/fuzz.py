"""Differential fuzzing: schemathesis traffic and hand-made mutations, in lockstep on two servers.

Schemathesis (every phase: examples, coverage, fuzzing, stateful; positive and negative data)
generates requests from `openapi.yaml` against a loopback forwarder in the reference's terms; the
forwarder hands each one to `Lockstep`, which sends it to the reference server and, mapped, to a
fresh mock, and answers schemathesis with the reference's response, so links follow the
reference's ids. Mutations the spec does not describe (wrong types, odd headers, other keys and
projects, methods, content types) follow through the same `Lockstep`.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Final

import requests
import schemathesis

from contract_tests.settings import SPEC_PATH
from live_road.facts import HOP_BY_HOP
from live_road.journal import DEFAULT_JOURNAL
from parity.executor import live_executor
from parity.lockstep import Finding, Lockstep, RawRequest, Sides, signed
from parity.mutations import mutations
from parity.targets import (
    RECORDED_PROFILE,
    ParityTarget,
    TargetConfigError,
    from_environment,
    mock_target,
)

PHASES: Final = ("examples", "coverage", "fuzzing", "stateful")
_URL: Final = re.compile(r"https?://\S+")
# Answer to a request the forwarder did not send (guard or budget); never a server's answer.
NOT_SENT_STATUS: Final = 599
DEFAULT_SEED: Final = 20250801


class _Handler(BaseHTTPRequestHandler):
    """Forwards every request, whatever its method, to the lockstep and answers its reference."""

    protocol_version = "HTTP/1.1"
    server: LockstepServer

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):
            return self._forward
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the report says what was sent."""

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _forward(self) -> None:
        body = self._read_body()
        request = RawRequest(
            method=self.command,
            target=self.path,
            headers=tuple((name, value) for name, value in self.headers.items()),
            body=body,
            origin=self.headers.get("X-Schemathesis-Phase", "schemathesis"),
        )
        with self.server.lock:
            outcome = self.server.lockstep.exchange(request)
        response = outcome.reference
        if response is None:
            reason = outcome.refused or f"reference: {outcome.reference_error}"
            payload = json.dumps({"not_sent": reason}).encode()
            self.send_response(NOT_SENT_STATUS)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        self.send_response(response.status_code)
        for name, value in response.headers.items():
            if name.lower() not in HOP_BY_HOP and name.lower() not in (
                "content-encoding",
                "date",
                "server",
            ):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.content)))
        self.end_headers()
        if self.command != "HEAD":
            try:
                self.wfile.write(response.content)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True


class LockstepServer(ThreadingHTTPServer):
    """A loopback HTTP server whose every request goes through one `Lockstep`, one at a time."""

    def __init__(self, lockstep: Lockstep) -> None:
        """Bind a free loopback port."""
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lockstep = lockstep
        self.lock = threading.Lock()

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:<port>`."""
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


@contextmanager
def forwarder(lockstep: Lockstep) -> Iterator[LockstepServer]:
    """Run a `LockstepServer` in a thread for the duration of the block."""
    server = LockstepServer(lockstep)
    thread = threading.Thread(target=server.serve_forever, name="lockstep", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def run_schemathesis(
    base_url: str, api_key: str, *, seed: int, max_examples: int
) -> dict[str, int]:
    """Run every schemathesis phase against `base_url`; return how many events of each kind."""
    config = schemathesis.Config.from_dict(
        {
            "seed": seed,
            "base-url": base_url,
            "headers": {"Authorization": f"Bearer {api_key}"},
            "workers": 1,
            "generation": {
                "mode": "all",
                "max-examples": max_examples,
                "database": "none",
                "allow-x00": True,
            },
            "phases": {phase: {"enabled": True} for phase in PHASES},
            "checks": {"enabled": False},
        }
    )
    schema = schemathesis.openapi.from_path(SPEC_PATH, config=config)
    events: dict[str, int] = {}
    for event in schemathesis.engine.from_schema(schema).execute():
        name = type(event).__name__
        events[name] = events.get(name, 0) + 1
    return events


STD_VARIANTS: Final = {
    "control": {"rollout_percentage": 70, "transforms": []},
    "test": {
        "rollout_percentage": 30,
        "transforms": [{"selector": "#page h1", "text": "Up, UP and Away!", "html": ""}],
    },
}


def json_request(
    method: str, target: str, key: str | None, body: Any = None, *, origin: str
) -> RawRequest:
    """Build a request with a JSON body (None: no body) and `Authorization: Bearer <key>`."""
    if body is None:
        return signed(method, target, key, origin=origin)
    data = json.dumps(body).encode()
    return signed(method, target, key, body=data, content_type="application/json", origin=origin)


def prepare(lockstep: Lockstep) -> None:
    """Create and delete a tombstone, and create one live experiment, on both servers.

    Every id steered afterwards has an owned counterpart: reads of ids this run did not create
    go to the tombstone or a live experiment of the run, writes to a live one.
    """
    ref = lockstep.sides.reference
    collection = f"/api/projects/{ref.projects['main']}/web_experiments/"
    key = ref.keys["all"]
    for name in ("parity fuzz tombstone", "parity fuzz pool"):
        outcome = lockstep.exchange(
            json_request(
                "POST", collection, key, {"name": name, "variants": STD_VARIANTS}, origin="setup"
            )
        )
        if outcome.reference is None or outcome.reference.status_code != 201:
            answer = outcome.refused or outcome.reference_error
            if outcome.reference is not None:
                answer = str(outcome.reference.status_code)
            raise FuzzError(f"setup: creating {name!r} failed on the reference: {answer}")
        if name.endswith("tombstone"):
            created = outcome.reference.json()["id"]
            lockstep.exchange(
                json_request("DELETE", f"{collection}{created}/", key, origin="setup")
            )


class FuzzError(RuntimeError):
    """The fuzz run could not start or continue."""


@dataclass
class Tally:
    """The run's numbers: requests by origin, findings by kind."""

    requests: int = 0
    refused: int = 0
    not_sent: dict[str, int] = field(default_factory=dict)
    out_of_scope: int = 0
    by_origin: dict[str, int] = field(default_factory=dict)
    kinds: dict[str, list[Finding]] = field(default_factory=dict)

    @property
    def differences(self) -> int:
        """Every finding."""
        return sum(len(findings) for findings in self.kinds.values())

    @property
    def differing_requests(self) -> int:
        """Requests with at least one finding."""
        return len({f.index for findings in self.kinds.values() for f in findings})


def tally(lockstep: Lockstep) -> Tally:
    """Count the outcomes of a run."""
    result = Tally()
    for outcome in lockstep.outcomes:
        origin = outcome.request.origin or "other"
        result.by_origin[origin] = result.by_origin.get(origin, 0) + 1
        if outcome.refused:
            result.refused += 1
            reason = _URL.sub("<url>", outcome.refused)
            result.not_sent[reason] = result.not_sent.get(reason, 0) + 1
            continue
        if outcome.out_of_scope:
            result.out_of_scope += 1
            continue
        result.requests += 1
        for finding in outcome.findings:
            result.kinds.setdefault(finding.kind, []).append(finding)
    return result


def render(
    result: Tally, *, reference: str, other: str, command: str, title: str = "Differential fuzz"
) -> str:
    """Write the report: differences by kind with a first example each."""
    lines = [f"# {title}: {reference} vs {other}", "", f"Command: `{command}`", ""]
    origins = ", ".join(f"{name} {count}" for name, count in sorted(result.by_origin.items()))
    lines += [f"Requests by origin: {origins}.", ""]
    for kind, findings in sorted(result.kinds.items()):
        requests_count = len({f.index for f in findings})
        first = findings[0]
        lines += [
            f"## {kind} ({requests_count} request(s))",
            "",
            f"- request #{first.index}: `{json.dumps(first.request.describe())}`",
            "  " + first.difference.describe(reference, other).replace("\n", "\n  "),
            "",
        ]
    if result.not_sent:
        lines += ["## Not sent", ""]
        lines += [f"- {count}: {reason}" for reason, count in sorted(result.not_sent.items())]
        lines.append("")
    lines.append(
        f"{result.requests} requests sent in lockstep, {result.refused} not sent (guard or "
        f"budget), {result.out_of_scope} outside the API sent to the reference only: "
        f"{result.differences} difference(s) of {len(result.kinds)} kind(s) in "
        f"{result.differing_requests} request(s)"
    )
    return "\n".join(lines) + "\n"


def publish(report: str, reference: ParityTarget, output: Path | None, *, note: str) -> None:
    """Print the report, when and where it ran under its title; also write it to `output`."""
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    title, rest = report.split("\n", 1)
    main_project = reference.projects["main"]
    text = f"{title}\n\nRun {when}: {reference.base_url} (project {main_project}){note}\n{rest}"
    print(text, end="")
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")


def add_run_arguments(parser: argparse.ArgumentParser, *, max_creates: int, seed_help: str) -> None:
    """Add the options every lockstep tool has: the reference, the seed, the budget, the report."""
    parser.add_argument(
        "--against-mock",
        action="store_true",
        help="use a fresh mock as the reference instead of POSTHOG_HOST",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"{seed_help} (default {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--max-creates",
        type=int,
        default=max_creates,
        help=f"experiments the run may create (default {max_creates})",
    )
    parser.add_argument("--output", type=Path, help="also write the report to this file")


@contextmanager
def lockstep_sides(
    args: argparse.Namespace,
    *,
    tool: str,
    profile: str = RECORDED_PROFILE,
    requests_per_minute: int | None = None,
    own_server: bool = False,
) -> Iterator[Sides]:
    """Yield the reference (POSTHOG_HOST through the live road, or a fresh mock) and a mock."""
    with ExitStack() as stack:
        if args.against_mock:
            reference = stack.enter_context(mock_target(profile=profile))
            reference_session = stack.enter_context(requests.Session())
        else:
            reference = from_environment(os.environ)
            executor = stack.enter_context(
                live_executor(
                    reference,
                    DEFAULT_JOURNAL,
                    max_creates=args.max_creates,
                    requests_per_minute=requests_per_minute,
                    own_server=own_server,
                    tool=tool,
                )
            )
            reference_session = executor.sessions["default"]
        other = stack.enter_context(mock_target(profile=profile))
        yield Sides(reference, reference_session, other, stack.enter_context(requests.Session()))


DEFAULT_MAX_EXAMPLES: Final = 5
DEFAULT_MAX_CREATES: Final = 600
DEFAULT_REQUESTS_PER_MINUTE: Final = 600


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m parity.fuzz",
        description="Differential fuzzing of POSTHOG_HOST (or a fresh mock) against a fresh "
        "mock: schemathesis traffic and mutations in lockstep; prints every difference.",
    )
    add_run_arguments(
        parser, max_creates=DEFAULT_MAX_CREATES, seed_help="schemathesis and mutation seed"
    )
    parser.add_argument(
        "--max-examples",
        type=int,
        default=DEFAULT_MAX_EXAMPLES,
        help=f"examples per operation and phase (default {DEFAULT_MAX_EXAMPLES})",
    )
    parser.add_argument(
        "--requests-per-minute",
        type=int,
        default=DEFAULT_REQUESTS_PER_MINUTE,
        help="pace requests to a live reference (0: unpaced; default "
        f"{DEFAULT_REQUESTS_PER_MINUTE})",
    )
    parser.add_argument(
        "--no-mutations", action="store_true", help="send only schemathesis' traffic"
    )
    return parser


def command_line(program: str, args: argparse.Namespace, options: Sequence[str]) -> str:
    """Return the command that repeats a run: `program` with those of `options` that are set."""
    parts = [program]
    for option in options:
        value = getattr(args, option.removeprefix("--").replace("-", "_"))
        if value is True:
            parts.append(option)
        elif value is not None and value is not False and value != "":
            parts.append(f"{option} {value}")
    return " ".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m parity.fuzz`."""
    args = _parser().parse_args(argv)
    try:
        with lockstep_sides(
            args, tool="parity-fuzz", requests_per_minute=args.requests_per_minute or None
        ) as sides:
            lockstep = Lockstep(sides, max_creates=args.max_creates)
            prepare(lockstep)
            with forwarder(lockstep) as server:
                run_schemathesis(
                    server.base_url,
                    sides.reference.keys["all"],
                    seed=args.seed,
                    max_examples=args.max_examples,
                )
            if not args.no_mutations:
                for request in mutations(sides.reference, lockstep, seed=args.seed):
                    lockstep.exchange(request)
    except TargetConfigError as exc:
        print(f"error: parity fuzz {exc}", file=sys.stderr)
        return 2
    except FuzzError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted: experiments this run created were deleted", file=sys.stderr)
        return 130
    result = tally(lockstep)
    reference = "mock" if args.against_mock else "live"
    command = command_line(
        "python -m parity.fuzz",
        args,
        ("--against-mock", "--seed", "--max-examples", "--no-mutations"),
    )
    report = render(result, reference=reference, other="mock", command=command)
    publish(report, sides.reference, args.output, note=" against a fresh mock.")
    return 1 if result.differences else 0


if __name__ == "__main__":
    raise SystemExit(main())
