"""The one Runtime of a pytest process of the suite: settings, guarded session, observations,
and the record of every check result, shared by its hooks, checks and tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from requests import Response, Session

from contract_tests import baseline
from contract_tests.results import DEFECT, CheckFailure, RunRecord
from contract_tests.settings import SuiteSettings
from live_road.cleanup import new_journal
from live_road.facts import Target, created_id
from live_road.journal import Journal
from live_road.policy import Policy
from live_road.transport import GuardedTransport, open_session
from posthog_mock.hazards import LIST_BREAKING_OBJECT_DEPTH, RENDERABLE_INT_MAX

CANONICAL_VARIANTS: dict[str, Any] = {
    "control": {"rollout_percentage": 50, "transforms": []},
    "test": {
        "rollout_percentage": 50,
        "transforms": [{"selector": "#page h1", "text": "Up, UP and Away!", "html": ""}],
    },
}
# The simplest body PostHog accepts: the tombstone needs only to exist once.
CONTROL_ONLY_VARIANTS: dict[str, Any] = {"control": {"rollout_percentage": 100}}
# Creates kept back from generated POSTs so checks that re-send a create stay within the budget.
CREATE_RESERVE = 2


@dataclass
class Observed:
    """What the run has seen of each experiment, so later responses can be compared."""

    flag_keys: dict[int, str] = field(default_factory=dict)
    variants: dict[int, Any] = field(default_factory=dict)
    scope_checked: set[tuple[str, str]] = field(default_factory=set)


@dataclass
class Runtime:
    """The settings, the guarded session, what was observed and recorded, for one pytest session."""

    settings: SuiteSettings
    session: Session
    transport: GuardedTransport
    observed: Observed = field(default_factory=Observed)
    record: RunRecord = field(default_factory=RunRecord)
    pool_counter: int = 0
    pool_broken: bool = False
    tombstone_id: int | None = None
    # The findings of the test running now (the conftest turns known defects into xfails).
    test_failures: list[CheckFailure] = field(default_factory=list)
    # The defects `--baseline FILE` expects, when FILE exists.
    expected_defects: set[baseline.KnownDefect] | None = None

    @classmethod
    def create(cls, settings: SuiteSettings) -> Runtime:
        """Build the runtime with a fresh journal at the settings' state file.

        With the defects `--baseline FILE` lists. The runner cleaned up after earlier runs
        before starting this process; what it could not clean (flags, for want of
        `feature_flag:write`) its journal carries, kept here.
        In live mode every accepted write is read back, and values known to break reads are
        never sent (unless the run is one of destructive probes).
        """
        target = Target(settings.base_url, settings.project_id)
        earlier = Journal.load(settings.state_file)
        journal = new_journal(settings.state_file, target, tool="contract", earlier=earlier)
        live = settings.mode == "live"
        policy = Policy(
            "live-guarded",
            settings.max_creates,
            settings.requests_per_minute,
            read_back=live,
            refuse_read_breaking=live and not settings.destructive_probes,
        )
        session, transport = open_session(target, journal, policy)
        expected = baseline.expected(settings.baseline_file)
        return cls(settings, session, transport, expected_defects=expected)

    def known_reason(self, failures: list[CheckFailure]) -> str | None:
        """Why every finding in `failures` is a known PostHog defect, or None when one is not.

        A finding is known when the mock says it reproduced the defect on purpose, the baseline
        lists it, or the run records the baseline (`--baseline FILE` new, or `--update-baseline`)
        and so will list it. The run's own damage (a stored value that broke reads) never is.
        """
        expected = self.expected_defects
        damaged = bool(self.journal.read_breaks)
        recording = self.settings.baseline_file is not None and (
            expected is None or self.settings.update_baseline
        )
        names: list[str] = []
        for failure in failures:
            if baseline.own_damage(failure, damaged=damaged):
                return None
            if failure.known:
                name = failure.known_as
            elif failure.category != DEFECT:
                return None
            elif expected is not None and baseline.KnownDefect.of(failure) in expected:
                name = f"in the baseline: {baseline.describe(failure)}"
                failure.known_as = name
            elif recording:
                name = f"recorded into the baseline: {baseline.describe(failure)}"
            else:
                return None
            if name not in names:
                names.append(name)
        return "known PostHog defect: " + "; ".join(names) if names else None

    @property
    def journal(self) -> Journal:
        """The run's write-ahead journal."""
        return self.transport.journal

    @property
    def auth_headers(self) -> dict[str, str]:
        """The Authorization header of the configured key."""
        return {"Authorization": f"Bearer {self.settings.api_key}"}

    @property
    def collection_url(self) -> str:
        """Absolute URL of the configured project's experiment list."""
        return f"{self.settings.base_url}/api/projects/{self.settings.project_id}/web_experiments/"

    def may_create(self, *, stateful: bool = False) -> bool:
        """Whether a generated create may still be sent without eating a reserve.

        A bounded budget keeps a third for the stateful phase, which runs last, and always a few
        creates for checks that re-send a create (to a server that wrongly accepts it).
        """
        left = self.transport.creates_left()
        if left is None:
            return True
        max_creates = self.transport.max_creates or 0
        reserve = CREATE_RESERVE + (0 if stateful else max_creates // 3)
        return left > reserve

    def post_experiment(self, name: str, variants: Any) -> Response:
        """Create an experiment named `name` after the run's prefix, through the guard."""
        body = {"name": f"{self.settings.prefix}{name}", "variants": variants}
        return self.session.post(
            self.collection_url, json=body, headers=self.auth_headers, timeout=30
        )

    def make_tombstone(self) -> None:
        """Create and delete one experiment: an id of this run that answers 404 for good."""
        if not self.may_create(stateful=True):
            return
        response = self.post_experiment("tombstone", CONTROL_ONLY_VARIANTS)
        created = self.journal.created.get(created_id(response) or -1)
        if response.status_code == 201 and created is not None:
            url = f"{self.collection_url}{created.id}/"
            self.session.delete(url, headers=self.auth_headers, timeout=30)
            self.tombstone_id = created.id

    def probe_hazards(self) -> None:
        """Create one experiment per class of value known to break reads (destructive probes).

        Only on a disposable server (`--destructive-probes`): the read-back after each create
        finds the break, deletes the experiment and records the PostHog defect.
        """
        for label, sample in HAZARD_PROBES:
            if not self.may_create(stateful=True):
                return
            self.post_experiment(
                f"probe {label}", {"control": {"rollout_percentage": 100, "probe": sample}}
            )

    def owned_live_ids(self) -> list[int]:
        """Experiments of this run that should still exist, oldest first."""
        return sorted(self.journal.live_ids())

    def owned_ids(self) -> list[int]:
        """Every experiment this run created, deleted ones included."""
        return sorted(self.journal.created)

    def ensure_pool(self, size: int) -> None:
        """Create experiments until `size` owned ones exist, as far as the budget allows.

        Gives up for the rest of the run when a create does not yield a trackable experiment,
        so a broken server cannot make the suite create experiments in a loop.
        """
        while not self.pool_broken and len(self.owned_live_ids()) < size and self.may_create():
            self.pool_counter += 1
            known = len(self.journal.created)
            response = self.post_experiment(f"pool {self.pool_counter}", CANONICAL_VARIANTS)
            if response.status_code != 201 or len(self.journal.created) == known:
                self.pool_broken = True


def _nested_objects(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = {"a": value}
    return value


# One value just past each limit of posthog_mock/hazards.py, placed in `variants.control`.
HAZARD_PROBES: tuple[tuple[str, Any], ...] = (
    ("integer beyond 64 bits", RENDERABLE_INT_MAX + 1),
    ("float read back beyond 64 bits", 1e20),
    # `variants` and `control` are two objects of the depth that breaks the list.
    ("objects nested too deep", _nested_objects(LIST_BREAKING_OBJECT_DEPTH - 2)),
)


# Schemathesis calls checks and hooks with no room for context of our own, so the pytest process
# keeps its one Runtime here: installed once, by conftest.pytest_configure, from the settings file.
_RUNTIME: list[Runtime] = []


def install(runtime: Runtime) -> None:
    """Make `runtime` the one hooks and checks of this process use; only once per process."""
    if _RUNTIME:
        raise RuntimeError("the contract suite runtime is already installed")
    _RUNTIME.append(runtime)


def current() -> Runtime:
    """The runtime of this pytest session."""
    if not _RUNTIME:
        raise RuntimeError("no contract suite runtime: run the suite via python -m contract_tests")
    return _RUNTIME[0]
