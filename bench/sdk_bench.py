"""Benchmark the SDK against bare httpx on the mock server: call overhead and paging memory.

Run: ``.venv/bin/python bench/sdk_bench.py`` (add ``--write bench/sdk_bench.md`` to record).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable

import httpx

from posthog_mock.testing import MockServer
from posthog_web_experiments import PostHogWebExperiments, RetryPolicy, __version__

CONTROL_ONLY = {"control": {"rollout_percentage": 100}}


def seed(http: httpx.Client, path: str, count: int, start: int = 0) -> None:
    """Create ``count`` experiments with bare httpx (fast, and independent of the SDK)."""
    for n in range(start, start + count):
        response = http.post(path, json={"name": f"bench {n}", "variants": CONTROL_ONLY})
        response.raise_for_status()


def per_call_seconds(func: Callable[[], object], calls: int, rounds: int) -> list[float]:
    """Mean seconds per call for each of ``rounds`` rounds of ``calls`` calls."""
    results = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(calls):
            func()
        results.append((time.perf_counter() - started) / calls)
    return results


def compare(
    sdk: Callable[[], object], bare: Callable[[], object], calls: int, rounds: int
) -> tuple[float, float, float, float]:
    """Median per-call time of SDK and bare httpx, and the min/max per-round ratio.

    Rounds alternate which side goes first (ABBA), so drift and warm-up hit both alike.
    """
    for func in (sdk, bare):  # warm connections and caches
        per_call_seconds(func, max(calls // 10, 1), 1)
    sdk_times: list[float] = []
    bare_times: list[float] = []
    for round_number in range(rounds):
        if round_number % 2 == 0:
            sdk_times += per_call_seconds(sdk, calls, 1)
            bare_times += per_call_seconds(bare, calls, 1)
        else:
            bare_times += per_call_seconds(bare, calls, 1)
            sdk_times += per_call_seconds(sdk, calls, 1)
    ratios = [s / b for s, b in zip(sdk_times, bare_times, strict=True)]
    return statistics.median(sdk_times), statistics.median(bare_times), min(ratios), max(ratios)


def in_process_retrieve(calls: int, rounds: int) -> tuple[float, float, float, float]:
    """Retrieve through httpx.MockTransport: the client-side cost alone, no server or socket."""
    body = {
        "id": 1,
        "name": "bench",
        "created_at": "2025-01-15T10:30:00.123456Z",
        "feature_flag_key": "bench-web-experiment-feature-3fa90c1b2d",
        "variants": CONTROL_ONLY,
    }
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
    base = "http://posthog.test"
    headers = {"Authorization": "Bearer phx_bench"}
    with (
        httpx.Client(base_url=base, headers=headers, transport=transport) as http,
        PostHogWebExperiments(
            api_key="phx_bench",
            host=base,
            project_id=1,
            http_client=httpx.Client(transport=transport),
        ) as client,
    ):

        def bare() -> object:
            response = http.get("/api/projects/1/web_experiments/1/")
            response.raise_for_status()
            return response.json()

        return compare(lambda: client.retrieve(1), bare, calls, rounds)


def peak_iterating(client: PostHogWebExperiments, limit: int) -> tuple[int, int]:
    """(experiments seen, peak traced bytes) while walking every page."""
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    seen = 0
    for _ in client.iter_experiments(limit=limit):
        seen += 1
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seen, peak


def peak_one_page(client: PostHogWebExperiments, limit: int) -> int:
    """Peak traced bytes of fetching and holding one page of ``limit`` experiments."""
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    page = client.list_page(limit=limit)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del page
    return peak


def run(calls: int, rounds: int, small: int, large: int, page_limit: int) -> str:
    """Run every measurement and return the results as Markdown."""
    lines: list[str] = []
    with MockServer.start(db_path=":memory:") as server:
        base = server.base_url
        path = f"/api/projects/{server.project_id}/web_experiments/"
        headers = {"Authorization": f"Bearer {server.api_key}"}
        with (
            httpx.Client(base_url=base, headers=headers, timeout=30.0) as http,
            PostHogWebExperiments(
                api_key=server.api_key,
                host=base,
                project_id=server.project_id,
                retry=RetryPolicy(max_retries=0),
            ) as client,
        ):
            server.reset()
            seed(http, path, 100)
            experiment_id = client.list_page(limit=1).results[0].id

            def sdk_retrieve() -> object:
                return client.retrieve(experiment_id)

            def bare_retrieve() -> object:
                response = http.get(f"{path}{experiment_id}/")
                response.raise_for_status()
                return response.json()

            def sdk_page() -> object:
                return client.list_page(limit=100)

            def sdk_page_variants_read() -> object:
                page = client.list_page(limit=100)
                for experiment in page.results:
                    experiment.variants.to_dict()
                return page

            def bare_page() -> object:
                response = http.get(path, params={"limit": 100})
                response.raise_for_status()
                return response.json()

            sdk_get, bare_get, get_low, get_high = compare(
                sdk_retrieve, bare_retrieve, calls, rounds
            )
            sdk_list, bare_list, list_low, list_high = compare(
                sdk_page, bare_page, max(calls // 5, 1), rounds
            )
            sdk_read, bare_read, read_low, read_high = compare(
                sdk_page_variants_read, bare_page, max(calls // 5, 1), rounds
            )

            server.reset()
            seed(http, path, small)
            seen_small, cold_small = peak_iterating(client, page_limit)
            _, peak_small = peak_iterating(client, page_limit)
            seed(http, path, large - small, start=small)
            seen_large, cold_large = peak_iterating(client, page_limit)
            _, peak_large = peak_iterating(client, page_limit)
            one_page = peak_one_page(client, page_limit)

    local_calls = calls * 4
    sdk_local, bare_local, local_low, local_high = in_process_retrieve(local_calls, rounds)
    lines += [
        f"SDK {__version__}, httpx {httpx.__version__}, Python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs; mock server `posthog_mock` (`:memory:`) "
        "on loopback, in a subprocess on the same machine. Loopback timings are noisy when "
        "other work shares the CPUs: the per-round range shows how much.",
        "",
        f"Per-call time, median of {rounds} interleaved rounds "
        f"({calls} retrieves / {max(calls // 5, 1)} list pages per round):",
        "",
        "| call | SDK | bare httpx + `.json()` | SDK / bare | per-round range | target |",
        "|---|---:|---:|---:|---:|---|",
        f"| retrieve one experiment | {sdk_get * 1e3:.3f} ms | {bare_get * 1e3:.3f} ms "
        f"| {sdk_get / bare_get:.2f}x | {get_low:.2f}-{get_high:.2f}x | <= 1.15x |",
        f"| list page, limit=100 | {sdk_list * 1e3:.3f} ms | {bare_list * 1e3:.3f} ms "
        f"| {sdk_list / bare_list:.2f}x | {list_low:.2f}-{list_high:.2f}x | <= 1.3x |",
        f"| list page, limit=100, then every experiment's variants read "
        f"| {sdk_read * 1e3:.3f} ms | {bare_read * 1e3:.3f} ms "
        f"| {sdk_read / bare_read:.2f}x | {read_low:.2f}-{read_high:.2f}x "
        "| for information: variants are parsed on first read |",
        f"| retrieve, in-process transport, {local_calls:,} per round (no server) "
        f"| {sdk_local * 1e6:.0f} us "
        f"| {bare_local * 1e6:.0f} us | {sdk_local / bare_local:.2f}x "
        f"| {local_low:.2f}-{local_high:.2f}x | for information: the SDK's own cost |",
        "",
        "Peak traced memory (tracemalloc) while iterating with "
        f"`iter_experiments(limit={page_limit})`:",
        "",
        "| experiments | seen | peak, first walk | peak, second walk | second / one page |",
        "|---:|---:|---:|---:|---:|",
        f"| {small:,} | {seen_small:,} | {cold_small / 1024:.0f} KiB "
        f"| {peak_small / 1024:.0f} KiB | {peak_small / one_page:.2f} |",
        f"| {large:,} | {seen_large:,} | {cold_large / 1024:.0f} KiB "
        f"| {peak_large / 1024:.0f} KiB | {peak_large / one_page:.2f} |",
        "",
        f"One page of {page_limit} fetched and held: {one_page / 1024:.0f} KiB. "
        f"Growth from {small:,} to {large:,} experiments: first walk "
        f"{cold_large / cold_small:.2f}x, second walk {peak_large / peak_small:.2f}x. "
        "The first walk also fills process-wide caches that are bounded and not per page "
        "(httpx's cookie handling calls `urllib.parse.urlparse`, whose LRU cache keeps up to "
        "128 request URLs); the second walk shows the steady state.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=500, help="retrieves per round")
    parser.add_argument("--rounds", type=int, default=10, help="interleaved rounds")
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("--page-limit", type=int, default=100)
    parser.add_argument("--write", metavar="PATH", help="also write the Markdown table here")
    args = parser.parse_args(argv)
    table = run(args.calls, args.rounds, args.small, args.large, args.page_limit)
    print(table)
    if args.write:
        with open(args.write, "w", encoding="utf-8") as out:
            out.write(
                f"# SDK benchmark\n\nReproduce: `.venv/bin/python bench/sdk_bench.py "
                f"--write {args.write}`\n\n{table}\n"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
