"""`newsaudit serve` under load on loopback: N concurrent clients posting real articles for a fixed time.

    python benchmarks/bench_server.py [--seconds 60] [--clients 8] [--workers 2] [--queue 8]
        [--endpoint articles|audit] [--articles 300] [--data DIR]

1. Reads `--articles` bodies of the FakeNewsCorpus sample (`fakenewscorpus_sample/news_sample.csv`).
2. Reference, same articles and cores: `Auditor.audit_many(..., workers=W)`, the path `newsaudit audit` takes,
   after a warm-up; articles/s.
3. Starts `newsaudit serve --workers W --queue Q` on a free loopback port with a fresh corpus store, waits for
   it, and notes the server's RSS (the process and its workers).
4. `--clients` asyncio clients (httpx) post the articles round-robin to `/v1/articles` (audit and store; or
   `/v1/audit`) for `--seconds`, each waiting for its answer before the next. A 503 is the designed answer of a
   full queue: the client waits its `Retry-After` and it is counted apart; every other 5xx is counted (it must
   be 0). Then 10 s of reads (search and stored audits).
5. Prints one JSON line per phase: throughput, p50/p95/p99 latency, status counts, RSS at start, every 10 s and
   at the end. The stated bound: never above the start plus 250 MB per worker (`rss_within_bound`). A worker
   grows by about 0.4 MB an audit (spaCy's vocabulary, caches, the heap) until it is replaced after
   `--recycle` audits (the server's default, 500), which is what holds the bound.

The run stops by itself; the server is stopped with SIGTERM (graceful) at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import data_dir, emit, require

TOKEN = "bench-token-" + "0123456789abcdef"


def _articles(path: Path, limit: int) -> list[dict]:
    csv.field_size_limit(1 << 30)
    found = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            text = (row.get("content") or "").strip()
            if len(text) < 400:
                continue
            body = {"id": f"bench-{row.get('id') or len(found)}", "text": text, "title": (row.get("title") or None)}
            url = (row.get("url") or "").strip()
            if url.startswith(("http://", "https://")):
                body["url"] = url
            found.append(body)
            if len(found) >= limit:
                break
    return found


def _percentiles(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)

    return {"p50_ms": at(0.5), "p95_ms": at(0.95), "p99_ms": at(0.99)}


def _rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants, MB (from /proc)."""
    import psutil

    try:
        process = psutil.Process(pid)
        total = process.memory_info().rss + sum(child.memory_info().rss for child in process.children(recursive=True))
    except psutil.Error:
        return 0.0
    return round(total / 2**20, 1)


def reference(bodies: list[dict], workers: int) -> dict:
    from newsaudit import Auditor
    from newsaudit.ingest.readers import RawDocument

    auditor = Auditor(workers=workers)
    items = [
        RawDocument(body["text"], "text", body["id"], "text", {k: v for k, v in body.items() if k != "text" and v})
        for body in bodies
    ]
    list(auditor.audit_many(items[:8], workers=1))  # warm-up: models loaded
    started = time.perf_counter()
    count = sum(1 for _ in auditor.audit_many(items, workers=workers))
    seconds = time.perf_counter() - started
    return {"phase": "reference_audit_many", "workers": workers, "articles": count,
            "articles_per_s": round(count / seconds, 2), "seconds": round(seconds, 1)}  # fmt: skip


async def load(url: str, bodies: list[dict], clients: int, seconds: float, endpoint: str) -> dict:
    import httpx

    latencies: list[float] = []
    statuses: Counter = Counter()
    designed_503 = 0
    deadline = time.monotonic() + seconds
    counter = iter(range(10**9))
    headers = {"authorization": f"Bearer {TOKEN}"}

    async def client() -> None:
        nonlocal designed_503
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=300) as http:
            while time.monotonic() < deadline:
                body = bodies[next(counter) % len(bodies)]
                started = time.perf_counter()
                try:
                    response = await http.post(f"/v1/{endpoint}", json=body)
                except httpx.HTTPError as error:
                    statuses[f"error:{type(error).__name__}"] += 1
                    continue
                if response.status_code == 503:
                    designed_503 += 1
                    await asyncio.sleep(float(response.headers.get("retry-after", "1")))
                    continue
                statuses[response.status_code] += 1
                if response.status_code < 500:
                    latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    ok = sum(n for status, n in statuses.items() if isinstance(status, int) and status < 300)
    other_5xx = sum(n for status, n in statuses.items() if isinstance(status, int) and status >= 500)
    return {
        "phase": f"load_{endpoint}",
        "clients": clients,
        "seconds": round(elapsed, 1),
        "answered": sum(statuses.values()),
        "ok": ok,
        "audits_per_s": round(ok / elapsed, 2),
        **_percentiles(latencies),
        "statuses": {str(status): n for status, n in sorted(statuses.items(), key=str)},
        "designed_503": designed_503,
        "other_5xx": other_5xx,
    }


async def reads(url: str, bodies: list[dict], seconds: float, clients: int = 8) -> dict:
    import httpx

    words = ["the", "said", "government", "police", "president", "report", "people", "new"]
    latencies: list[float] = []
    statuses: Counter = Counter()
    deadline = time.monotonic() + seconds
    counter = iter(range(10**9))

    async def client() -> None:
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            while time.monotonic() < deadline:
                n = next(counter)
                path = (
                    f"/v1/articles?q={words[n % len(words)]}&limit=20"
                    if n % 2
                    else f"/v1/articles/{bodies[n % len(bodies)]['id']}"
                )
                started = time.perf_counter()
                response = await http.get(path)
                statuses[response.status_code] += 1
                latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    return {"phase": "reads", "clients": clients, "requests_per_s": round(sum(statuses.values()) / elapsed, 1),
            **_percentiles(latencies), "statuses": {str(k): v for k, v in sorted(statuses.items())}}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--queue", type=int, default=8)
    parser.add_argument("--endpoint", choices=("articles", "audit"), default="articles")
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--recycle", type=int, default=500, help="the server's --recycle")
    parser.add_argument("--no-reference", action="store_true", help="skip the audit_many reference")
    args = parser.parse_args()
    bodies = _articles(require(data_dir(args.data) / "fakenewscorpus_sample" / "news_sample.csv"), args.articles)
    emit(
        {
            "phase": "articles",
            "articles": len(bodies),
            "mean_chars": round(sum(len(b["text"]) for b in bodies) / len(bodies)),
        }
    )
    if not args.no_reference:
        emit(reference(bodies, args.workers))

    with tempfile.TemporaryDirectory(prefix="newsaudit-serve-") as folder:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        url = f"http://127.0.0.1:{port}"
        environment = {**os.environ, "NEWSAUDIT_API_TOKEN": TOKEN}
        corpus = str(Path(folder) / "corpus.db")
        command = [sys.executable, "-m", "newsaudit", "serve", "--port", str(port), "--corpus", corpus, "--workers",
                   str(args.workers), "--queue", str(args.queue), "--recycle", str(args.recycle)]  # fmt: skip
        server = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            import httpx

            started = time.monotonic()
            while True:
                try:
                    if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if server.poll() is not None or time.monotonic() - started > 180:
                    sys.exit(f"the server did not start: {server.stderr.read().decode()[-2000:]}")
                time.sleep(0.3)
            emit({"phase": "started", "startup_s": round(time.monotonic() - started, 1), "rss_mb": _rss_mb(server.pid)})
            # Warm each worker (its first audits pay for caches), then measure.
            asyncio.run(load(url, bodies[: 2 * args.workers], args.workers, 5.0, "audit"))
            rss_start = _rss_mb(server.pid)
            samples: list[float] = []
            sampling = threading.Event()

            def sample() -> None:
                while not sampling.wait(10.0):
                    samples.append(_rss_mb(server.pid))

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            result = asyncio.run(load(url, bodies, args.clients, args.seconds, args.endpoint))
            sampling.set()
            rss_end = _rss_mb(server.pid)
            bound = rss_start + 250 * args.workers
            emit({**result, "rss_start_mb": rss_start, "rss_end_mb": rss_end, "rss_every_10s_mb": samples,
                  "rss_bound_mb": round(bound, 1), "rss_within_bound": max([rss_end, *samples]) <= bound})  # fmt: skip
            emit({**asyncio.run(reads(url, bodies, 10.0)), "rss_mb": _rss_mb(server.pid)})
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=120)
            except subprocess.TimeoutExpired:
                server.kill()
            emit({"phase": "stopped", "exit_code": server.returncode})


if __name__ == "__main__":
    main()
