"""Requests per second the sandbox serves on this machine, from one client process (1 core).

Runs the sandbox in a child process (so that server and client do not share a GIL), then sends
simple documents over keep-alive HTTP with ``requests`` for a few seconds each and prints the rates.
Goal: at least 500 requests/s for the simple query on a 2-core machine. Prints figures, asserts nothing.

    python bench/sandbox_rps.py [--seconds 3] [--seed small]
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
from typing import Any

import requests

DOCUMENTS = {
    "shop { id }": "{ shop { id } }",
    "products(first: 10)": "{ products(first: 10) { nodes { id title } } }",
    "orders(first: 50) + lines": "{ orders(first: 50) { nodes { id name lineItems(first: 5) { nodes { sku } } } } }",
}


def _serve(queue: Any, seed: str) -> None:
    from shopops.sandbox import Sandbox

    box = Sandbox(seed=seed, plan=(1e9, 1e9))
    box.start()
    queue.put((box.graphql_url, box.token))
    while True:
        time.sleep(3600)


def _rate(url: str, token: str, query: str, seconds: float) -> tuple[float, float]:
    session = requests.Session()
    headers = {"X-Shopify-Access-Token": token}
    body = {"query": query}
    session.post(url, json=body, headers=headers, timeout=10).raise_for_status()
    count, latencies = 0, []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        started = time.perf_counter()
        response = session.post(url, json=body, headers=headers, timeout=10)
        latencies.append(time.perf_counter() - started)
        if response.status_code == 200:
            count += 1
    latencies.sort()
    return count / seconds, latencies[len(latencies) // 2] * 1000


def main() -> None:
    """Start a sandbox in a subprocess and measure each document."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--seed", default="small")
    args = parser.parse_args()
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    server = ctx.Process(target=_serve, args=(queue, args.seed), daemon=True)
    server.start()
    try:
        url, token = queue.get(timeout=60)
        print(f"sandbox ({args.seed}) at {url}; {multiprocessing.cpu_count()} cores; one client, keep-alive")
        for name, query in DOCUMENTS.items():
            rate, median_ms = _rate(url, token, query, args.seconds)
            print(f"  {name:32s} {rate:8.0f} req/s   median {median_ms:6.2f} ms")
    finally:
        server.terminate()
        server.join(timeout=5)


if __name__ == "__main__":
    main()
