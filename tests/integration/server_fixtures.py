"""A real `newsaudit serve` on loopback for the server tests: a subprocess on a free port, its own corpus store
(SQLite file or PostgreSQL schema), waited for until /healthz answers, stopped with SIGTERM afterwards. Also
the fictional articles the tests post."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.story_fixtures import other_stories, wire_story

TOKEN = "fictional-test-token-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    corpus: str
    process: subprocess.Popen
    log: Path

    def client(self, token: str | None = TOKEN, timeout: float = 120.0) -> httpx.Client:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=timeout)


@contextmanager
def running_server(corpus: str, folder: Path, *options: str, token: str | None = TOKEN) -> Iterator[Server]:
    """`newsaudit serve --corpus corpus options…` until the block ends."""
    port = free_port()
    environment = {**os.environ, "NEWSAUDIT_API_TOKEN": token or ""}
    if token is None:
        environment.pop("NEWSAUDIT_API_TOKEN")
    log = folder / f"server-{port}.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "newsaudit", "serve", "--port", str(port), "--corpus", corpus, *options],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=environment,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode}:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield Server(url, corpus, process, log)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def fictional_story(reprints: int = 3) -> list[dict]:
    """The fictional Korvale dam story as request bodies (the original, reprints, the independent report and the
    denial), then two unrelated fictional stories."""
    return [
        {
            "id": article.id,
            "title": article.title,
            "url": article.url,
            "published": article.published,
            "text": article.text,
        }
        for article in [*wire_story(reprints), *other_stories()]
    ]
