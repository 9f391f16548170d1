"""The one clean-up and resume of every live tool: adopt, delete, soft-delete flags, report.

Whatever tool created an experiment, the journal of the server's project holds it; the next
run of any tool (or `python -m live_road clean`) adopts creates that got no answer, deletes the
experiments and, with `feature_flag:write`, soft-deletes their flags; without that scope it
names every flag it left and the scope that would remove it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import requests

from live_road.facts import FLAG_NAME_PREFIX, FLAG_WRITE_SCOPE, SOFT_DELETE, Target, as_id
from live_road.journal import (
    CreatedExperiment,
    Journal,
    JournalTargetError,
    PendingCreate,
    hold,
)
from live_road.policy import Policy, UnsafeRequestRefusedError
from live_road.readback import MAX_PAGES, pages, read
from live_road.transport import GuardedTransport, open_session

LIST_PAGE = 200


def _auth(api_key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key}"}


def adopt_suspects(transport: GuardedTransport, api_key: str) -> None:
    """Find experiments stored by creates that gave no id (5xx, killed run); journal them.

    Adopted (so deleted at cleanup) is only an experiment whose name is exactly one the run
    sent and whose id is above the highest id the run knew when it sent that create (ids only
    grow, so it did not exist before). When the project cannot be listed, the creates stay
    pending in the journal, for the summary to report and the next run to look for.
    """
    journal, target = transport.journal, transport.target
    pending = [p for p in journal.pending if p.name is not None and p.id_floor is not None]
    if not pending:
        return
    adopted: dict[int, CreatedExperiment] = {}
    found: set[int] = set()
    url = target.url(f"{target.collection_path}?limit={LIST_PAGE}")
    for failure, body in pages(transport, url, _auth(api_key)):
        if failure is not None or "results" not in body:
            return
        for item in body["results"]:
            if not isinstance(item, dict):
                continue
            experiment_id, name = as_id(item.get("id")), item.get("name")
            if experiment_id is None or journal.owns(experiment_id):
                continue
            for create in pending:
                if name == create.name and experiment_id > (create.id_floor or 0):
                    found.add(id(create))
                    adopted[experiment_id] = CreatedExperiment(
                        id=experiment_id,
                        feature_flag_key=str(item.get("feature_flag_key", "")),
                        name=str(name),
                        project=create.project,
                        tool=create.tool,
                    )
    journal.created.update(adopted)
    # Listed in full: a create not found stored no experiment, but perhaps its flag.
    for create in pending:
        if id(create) not in found:
            _adopt_orphan_flag(transport, create, api_key)
        journal.pending.remove(create)
    journal.save()


ORPHAN_FLAG_SLACK = timedelta(seconds=60)


def _adopt_orphan_flag(transport: GuardedTransport, create: PendingCreate, api_key: str) -> None:
    """Journal the flag a create that failed left without an experiment (a PostHog defect).

    PostHog makes a web experiment's flag first; a create that then fails (a 5xx, a flag key
    too long for its usage dashboard) keeps the flag. Adopted is only a flag named after the
    create's exact name, inactive, linked to no experiment, made after the create was sent.
    """
    target, journal = transport.target, transport.journal
    project = create.project or target.project_id
    query = urlencode({"search": create.name or ""})
    url = target.url(f"{target.flags_in(project)}?{query}")
    failure, body = read(transport, url, _auth(api_key))
    sent = _moment(create.sent_at)
    if failure is not None or sent is None:
        return
    for item in body.get("results", []):
        made = _moment(str(item.get("created_at", ""))) if isinstance(item, dict) else None
        if (
            made is not None
            and made >= sent - ORPHAN_FLAG_SLACK
            and item.get("name") == f"{FLAG_NAME_PREFIX}{create.name}"
            and item.get("active") is False
            and not item.get("experiment_set")
            and as_id(item.get("id")) is not None
            and isinstance(item.get("key"), str)
        ):
            journal.earlier.append(
                CreatedExperiment(
                    id=0,
                    feature_flag_key=item["key"],
                    name=str(create.name),
                    deleted=True,
                    project=project,
                    tool=create.tool,
                )
            )
            journal.cleanable_flags[int(item["id"])] = item["key"]


def _moment(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def highest_listed_id(transport: GuardedTransport, api_key: str) -> int | None:
    """The highest experiment id the project lists (every page): a floor for the run's creates.

    None when the project cannot be listed; the run then adopts no create without an id.
    """
    target = transport.target
    highest = 0
    url = target.url(f"{target.collection_path}?limit={LIST_PAGE}")
    for failure, body in pages(transport, url, _auth(api_key)):
        if failure is not None:
            return None
        for item in body.get("results", []):
            experiment_id = as_id(item.get("id")) if isinstance(item, dict) else None
            if experiment_id is not None and experiment_id > highest:
                highest = experiment_id
    return highest


def delete_flags(transport: GuardedTransport, api_key: str) -> list[str]:
    """Soft-delete the flags of the journal's deleted experiments; return the keys left.

    PostHog keeps a web experiment's flag when the experiment is deleted and deletes a flag
    only by `PATCH {"deleted": true}` (DELETE answers 405), which needs `feature_flag:write`.
    A flag is touched only when a listing showed its exact key, inactive, linked to no
    experiment but the journal's; the transport refuses any other flag write.
    """
    journal, target = transport.journal, transport.target
    headers = _auth(api_key)
    for experiment in journal.flag_owners():
        key = experiment.feature_flag_key
        if not experiment.deleted or not key or experiment.flag_deleted:
            continue
        if journal.flag_scope_missing:
            break
        listed, complete = _flag_listed(
            transport, key, experiment.project or target.project_id, headers
        )
        if journal.flag_scope_missing or not complete:
            continue
        if not listed:
            experiment.flag_deleted = True  # no such flag is left to delete
            journal.save()
            continue
        for flag_id, flag_key in list(journal.cleanable_flags.items()):
            if flag_key != key:
                continue
            flags = target.flags_in(experiment.project or target.project_id)
            flag_url = target.url(f"{flags}{flag_id}/")
            try:
                answer = transport.request("PATCH", flag_url, headers, SOFT_DELETE)
            except (requests.RequestException, UnsafeRequestRefusedError):
                continue
            if answer.status_code == 403:
                journal.flag_scope_missing = True
            elif answer.status_code in (200, 404):
                experiment.flag_deleted = True
                del journal.cleanable_flags[flag_id]
            journal.save()
    return journal.flags_left()


def _flag_listed(
    transport: GuardedTransport, key: str, project: str, headers: dict[str, str]
) -> tuple[bool, bool]:
    """Whether the project's flag search lists `key`, and whether every page could be read."""
    target, journal = transport.target, transport.journal
    url = target.url(f"{target.flags_in(project)}?{urlencode({'search': key})}")
    listed = False
    next_url: str | None = url
    for _ in range(MAX_PAGES):
        if next_url is None:
            return listed, True
        try:
            page = transport.request("GET", next_url, headers)
        except (requests.RequestException, UnsafeRequestRefusedError):
            return listed, False
        if page.status_code == 403:
            journal.flag_scope_missing = True
            journal.save()
            return listed, False
        if page.status_code != 200:
            return listed, False
        body = page.json() if page.content else {}
        results = body.get("results", []) if isinstance(body, dict) else []
        listed = listed or any(isinstance(i, dict) and i.get("key") == key for i in results)
        link = body.get("next") if isinstance(body, dict) else None
        next_url = link if isinstance(link, str) else None
    return listed, next_url is None


def delete_leftovers(
    transport: GuardedTransport,
    api_key: str,
    projects: Sequence[str] = (),
    *,
    flags: bool = True,
) -> list[int]:
    """Delete every experiment of the journal not deleted yet; soft-delete flags; the ids failed.

    Each is deleted in the project it was created in, then in `projects`; an id every project
    answers 404 for is gone.
    """
    journal, target = transport.journal, transport.target
    headers = _auth(api_key)
    failed: list[int] = []
    adopt_suspects(transport, api_key)
    for experiment_id in journal.live_ids():
        experiment = journal.created[experiment_id]
        tried = list(dict.fromkeys([experiment.project or target.project_id, *projects]))
        codes: list[int] = []
        for project in tried:
            url = target.url(f"{target.collection_in(project)}{experiment_id}/")
            try:
                codes.append(transport.request("DELETE", url, headers).status_code)
            except requests.RequestException:
                break
            if codes[-1] != 404:
                break
        if 204 in codes or (len(codes) == len(tried) and set(codes) == {404}):
            experiment.deleted = True
            journal.save()
        else:
            failed.append(experiment_id)
    if flags:
        delete_flags(transport, api_key)
    return failed


def carried_flags(journal: Journal) -> list[CreatedExperiment]:
    """The deleted experiments of a journal whose flags are not soft-deleted yet."""
    return [
        e for e in journal.flag_owners() if e.deleted and e.feature_flag_key and not e.flag_deleted
    ]


def resume(
    path: Path,
    target: Target,
    api_key: str,
    *,
    projects: Sequence[str] = (),
    requests_per_minute: int | None = None,
    tool: str = "",
) -> tuple[list[str], Journal]:
    """Finish the clean-up of the run that wrote the journal last (killed, or short of scopes).

    Takes the journal for this process first (`journal.hold`): a live run on the same journal
    in another process is refused (`JournalBusyError`), never resumed while it runs.
    Returns what was done, one line each, and the earlier journal as it is now (experiments
    it still holds alive could not be deleted).
    """
    hold(path, tool)
    earlier = Journal.load(path)
    live, pending = earlier.live_ids(), earlier.suspect_names
    flags_before = earlier.flags_left()
    if not live and not pending and not flags_before:
        return [], earlier
    here = (target.base_url.rstrip("/"), target.project_id)
    if earlier.base_url and (earlier.base_url.rstrip("/"), earlier.project_id) != here:
        raise JournalTargetError(
            f"the journal {path} holds unfinished work on {earlier.base_url} project"
            f" {earlier.project_id}: clean it there first (python -m live_road clean) or"
            " use another journal"
        )
    earlier.flag_scope_missing = False  # this run's key may have the scope the last one lacked
    known = set(earlier.created)
    done_before = {e.feature_flag_key for e in earlier.flag_owners() if e.flag_deleted}
    transport = GuardedTransport(
        target, earlier, Policy.cleanup(requests_per_minute=requests_per_minute)
    )
    failed = delete_leftovers(transport, api_key, projects)
    found = sorted(set(earlier.created) - known)
    lines = []
    if live or pending:
        tools = sorted({e.tool for e in earlier.created.values() if e.id in [*live, *found]})
        by = f" (created by {', '.join(t for t in tools if t)})" if any(tools) else ""
        deleted = sorted(i for i in [*live, *found] if i not in failed)
        lines.append(
            f"resumed the journal of an earlier run ({path}): experiments {deleted}"
            f" deleted{by}"
            + (f"; of its creates without an answer {pending}, found {found}" if pending else "")
            + (f"; NOT deleted: {failed}" if failed else "")
        )
    unfound = [str(p.name) for p in earlier.pending]
    earlier.pending = []
    if unfound:
        lines.append(
            f"creates of an earlier run that got no answer and were not found in the project"
            f" (nothing to delete, or it could not be listed): {unfound}"
        )
    cleaned = [
        e.feature_flag_key
        for e in earlier.flag_owners()
        if e.flag_deleted and e.feature_flag_key and e.feature_flag_key not in done_before
    ]
    if cleaned:
        lines.append(f"soft-deleted {len(cleaned)} feature flags earlier runs left: {cleaned}")
    earlier.save()
    return lines, earlier


class LeftoversError(RuntimeError):
    """Experiments an earlier run created could not be deleted; the journal keeps them."""


def start(
    path: Path,
    target: Target,
    api_key: str,
    policy: Policy,
    *,
    tool: str,
    projects: Sequence[str] = (),
) -> tuple[list[str], requests.Session, GuardedTransport]:
    """Resume the journal at `path`, then open a run's session on a fresh journal there.

    Returns what the resume did (one line each), the session and its transport. Raises
    `LeftoversError` when experiments of an earlier run are still alive after the resume.
    """
    lines, earlier = resume(
        path,
        target,
        api_key,
        projects=projects,
        requests_per_minute=policy.requests_per_minute,
        tool=tool,
    )
    if earlier.live_ids():
        raise LeftoversError(
            f"experiments of an earlier run could not be deleted: {earlier.live_ids()}"
            f" (pending creates: {earlier.suspect_names}); the journal {path} keeps them"
        )
    journal = new_journal(path, target, tool=tool, earlier=earlier)
    session, transport = open_session(target, journal, policy)
    # A floor for the run's creates: one that gets no answer is adopted only above it.
    journal.id_floor = highest_listed_id(transport, api_key)
    journal.save()
    return lines, session, transport


def new_journal(path: Path, target: Target, *, tool: str, earlier: Journal) -> Journal:
    """A fresh journal for a run, carrying the flags earlier runs could not soft-delete."""
    journal = Journal(
        path,
        tool=tool,
        base_url=target.base_url,
        project_id=target.project_id,
        earlier=carried_flags(earlier),
    )
    journal.save()
    return journal


def flag_lines(
    journal: Journal, *, list_flags: bool = True, state_file: Path | None = None
) -> list[str]:
    """What became of the feature flags of the run's experiments (PostHog keeps them)."""
    owners = [e for e in journal.flag_owners() if e.feature_flag_key]
    left = journal.flags_left()
    if not owners:
        return []
    cleaned = len(owners) - len(left)
    if not left:
        return [f"Feature flags of the run's experiments: {cleaned} soft-deleted, none left"]
    if journal.flag_scope_missing:
        why = (
            f"the key lacks {FLAG_WRITE_SCOPE}, the scope that would let the run soft-delete"
            ' them (PATCH {"deleted": true})'
        )
    else:
        why = "PostHog did not let the run soft-delete them"
    if not list_flags:
        return [f"Feature flags left behind: {len(left)} ({why}), listed in {state_file}"]
    lines = [f"Feature flags left behind ({len(left)}; {cleaned} soft-deleted; {why}):"]
    lines.extend(f"    {key}" for key in left)
    return lines
